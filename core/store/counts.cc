#include "core/store/counts.h"

namespace weige::store {

namespace {

struct Counted {
  const char* table;
  // Each row's share of (households, people, open_items), over row prefix @.
  const char* households;
  const char* people;
  const char* open_items;
  // An update moves the counts when one of these differs.
  const char* moves[2];
};

const Counted kCounted[] = {
    {"households", "1", "COALESCE(@members, 0)", "0", {"microgrid_id", "members"}},
    {"items", "0", "0", "CASE WHEN @state <> 'closed' THEN 1 ELSE 0 END", {"microgrid_id", "state"}},
};

std::string Over(const char* text, const std::string& row) {
  std::string out;
  for (const char* c = text; *c != '\0'; ++c) {
    if (*c == '@') {
      out += row;
    } else {
      out += *c;
    }
  }
  return out;
}

// Adds (sign) the row's share to its micro-grid's counts.
std::string Apply(const Counted& t, const std::string& row, const char* sign) {
  auto share = [&](const char* e) { return std::string(sign) + "(" + Over(e, row) + ")"; };
  return "  INSERT INTO microgrid_counts(microgrid_id, households, people, open_items)\n    VALUES(" +
         row + "microgrid_id, " + share(t.households) + ", " + share(t.people) + ", " +
         share(t.open_items) +
         ")\n    ON CONFLICT(microgrid_id) DO UPDATE SET"
         " households = microgrid_counts.households + excluded.households,"
         " people = microgrid_counts.people + excluded.people,"
         " open_items = microgrid_counts.open_items + excluded.open_items;\n";
}

constexpr char kRecording[] = "(SELECT recording FROM sync_config WHERE id = 1)";

std::string Trigger(bool pg, const Counted& t, const char* suffix, const char* when,
                    const std::string& condition, const std::string& body) {
  const std::string name = std::string("sync_counts_") + t.table + "_" + suffix;
  if (!pg) {
    return "CREATE TRIGGER " + name + " " + when + " ON " + t.table + " WHEN " + kRecording +
           " = 1" + (condition.empty() ? "" : " AND (" + condition + ")") + " BEGIN\n" + body +
           "END;\n";
  }
  return "CREATE FUNCTION " + name +
         "() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\nIF COALESCE(" + kRecording +
         ", 0) <> 1 THEN RETURN NULL; END IF;\n" + body + "RETURN NULL;\nEND\n$fn$;\n" +
         "CREATE TRIGGER " + name + " " + when + " ON " + t.table + " FOR EACH ROW" +
         (condition.empty() ? "" : " WHEN (" + condition + ")") + " EXECUTE FUNCTION " + name +
         "();\n";
}

}  // namespace

std::string CountsTriggerSql(Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  const char* differs = pg ? " IS DISTINCT FROM " : " IS NOT ";
  std::string s;
  for (const Counted& t : kCounted) {
    std::string moved;
    for (const char* c : t.moves) {
      if (!moved.empty()) moved += " OR ";
      moved += std::string("NEW.") + c + differs + "OLD." + c;
    }
    s += Trigger(pg, t, "ins", "AFTER INSERT", "", Apply(t, "NEW.", "+"));
    s += Trigger(pg, t, "upd", "AFTER UPDATE", moved, Apply(t, "OLD.", "-") + Apply(t, "NEW.", "+"));
    s += Trigger(pg, t, "del", "AFTER DELETE", "", Apply(t, "OLD.", "-"));
  }
  return s;
}

std::string RebuildCountsSql() {
  return "DELETE FROM microgrid_counts;\n"
         "INSERT INTO microgrid_counts(microgrid_id, households, people, open_items)\n"
         "  SELECT r.id,\n"
         "    (SELECT COUNT(*) FROM households h WHERE h.microgrid_id = r.id),\n"
         "    (SELECT COALESCE(SUM(h.members), 0) FROM households h WHERE h.microgrid_id = r.id),\n"
         "    (SELECT COUNT(*) FROM items i WHERE i.microgrid_id = r.id AND i.state <> 'closed')\n"
         "  FROM regions r WHERE r.level = 'microgrid';\n";
}

}  // namespace weige::store
