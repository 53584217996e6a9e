#include "core/domain/personal_data.h"

namespace weige {

std::string MaskPhone(std::string_view phone) {
  const size_t n = phone.size();
  if (n == 0) return {};
  const size_t head = n > 7 ? 3 : 0;
  const size_t tail = n > 7 ? 4 : (n > 2 ? 2 : 0);
  std::string out(phone.substr(0, head));
  out.append(n - head - tail, '*');
  out.append(phone.substr(n - tail));
  return out;
}

bool IsHandler(const Actor& actor, std::string_view owner_person, std::string_view owner_dept) {
  if (!owner_person.empty() && actor.person_id == owner_person) return true;
  if (owner_dept.empty()) return false;
  for (const Grant& g : actor.grants) {
    if (g.role == Role::kDepartment && g.scope_id == owner_dept) return true;
  }
  return false;
}

bool CanRevealPhone(const Actor& actor, std::string_view owner_person, std::string_view owner_dept,
                    bool contact_ok) {
  return contact_ok && IsHandler(actor, owner_person, owner_dept);
}

}  // namespace weige
