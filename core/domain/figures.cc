#include "core/domain/figures.h"

#include <algorithm>

namespace weige {

void Figures::AddItem(ItemState state, bool is_overdue, int64_t close_duration_ms) {
  items[static_cast<int>(state)]++;
  if (is_overdue) overdue++;
  if (state == ItemState::kClosed) close_ms.push_back(close_duration_ms);
}

void Figures::Merge(const Figures& o) {
  microgrids += o.microgrids;
  households += o.households;
  visited += o.visited;
  for (int i = 0; i < 4; ++i) items[i] += o.items[i];
  overdue += o.overdue;
  close_ms.insert(close_ms.end(), o.close_ms.begin(), o.close_ms.end());
  evaluated += o.evaluated;
  satisfied += o.satisfied;
  rating_sum += o.rating_sum;
}

int64_t Median(std::vector<int64_t>* v) {
  if (v->empty()) return 0;
  size_t mid = v->size() / 2;
  std::nth_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid), v->end());
  int64_t hi = (*v)[mid];
  if (v->size() % 2 == 1) return hi;
  int64_t lo = *std::max_element(v->begin(), v->begin() + static_cast<std::ptrdiff_t>(mid));
  return lo + (hi - lo) / 2;
}

Json Figures::ToJson() {
  auto rate = [](int64_t num, int64_t den) { return den > 0 ? Json(double(num) / den) : Json(); };
  int64_t total = items[0] + items[1] + items[2] + items[3];
  Json j = {
      {"microgrids", microgrids},
      {"households", households},
      {"visited", visited},
      {"coverage", rate(visited, households)},
      {"items",
       {{"open", items[0]}, {"assigned", items[1]}, {"fixed", items[2]}, {"closed", items[3]},
        {"total", total}}},
      {"overdue", overdue},
      {"closure_rate", rate(items[3], total)},
      {"median_close_ms", close_ms.empty() ? Json() : Json(Median(&close_ms))},
      {"satisfaction",
       {{"evaluated", evaluated},
        {"satisfied", satisfied},
        {"rate", rate(satisfied, evaluated)},
        {"avg_rating", evaluated > 0 ? Json(double(rating_sum) / evaluated) : Json()}}},
  };
  return j;
}

}  // namespace weige
