#include "core/store/console_index.h"

#include <algorithm>

#include "core/store/sync_tables.h"

namespace weige::store {

namespace {

// --- microgrid_counts --------------------------------------------------------

struct Counted {
  const char* table;
  // Each row's share of (households, people, open_items), over row prefix @.
  const char* households;
  const char* people;
  const char* open_items;
  // An update moves the counts when one of these differs.
  std::vector<const char*> moves;
};

const Counted kCounted[] = {
    {"households", "1", "COALESCE(@members, 0)", "0", {"microgrid_id", "members"}},
    {"items", "0", "0", "CASE WHEN @state <> 'closed' THEN 1 ELSE 0 END", {"microgrid_id", "state"}},
};

// --- household_grams, building_grams -----------------------------------------

struct Grammed {
  const char* table;  // the source
  const char* grams;  // its gram table
  const char* key;    // the gram table's id column
  std::vector<const char*> texts;
};

const Grammed kGrammed[] = {
    {"households", "household_grams", "household_id", {"head_name"}},
    {"buildings", "building_grams", "building_id", {"name", "address"}},
};

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

// 1..200: the character positions of a text (kNameBytes at most), as a
// source of rows; SQLite allows no WITH in a trigger.
std::string Positions() {
  std::string s = "'[";
  for (int i = 1; i <= 200; ++i) s += (i > 1 ? "," : "") + std::to_string(i);
  return s + "]'";
}

// The bigrams of `row`'s texts: (gram, id) rows, for INSERT ... SELECT.
std::string GramsOf(bool pg, const Grammed& t, const std::string& row, const std::string& from) {
  std::string s;
  for (const char* c : t.texts) {
    const std::string text = row + c;
    if (!s.empty()) s += "\n    UNION ";
    if (pg) {
      // translate, not lower: ASCII letters only, as SQLite's lower() and
      // Bigrams() fold them.
      s += "SELECT translate(substr(" + text + ", n, 2), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
           " 'abcdefghijklmnopqrstuvwxyz'), " + row + "id FROM " + from +
           "generate_series(1, length(" + text + ") - 1) n";
    } else {
      s += "SELECT lower(substr(" + text + ", p.value, 2)), " + row + "id FROM " + from +
           "json_each(" + Positions() + ") p WHERE p.value < length(" + text + ")";
    }
  }
  return s;
}

std::string AddGrams(bool pg, const Grammed& t, const std::string& row) {
  return std::string("  INSERT INTO ") + t.grams + "(gram, " + t.key + ")\n    " +
         GramsOf(pg, t, row, "") + "\n    ON CONFLICT DO NOTHING;\n";
}

std::string DropGrams(const Grammed& t, const std::string& row) {
  return std::string("  DELETE FROM ") + t.grams + " WHERE " + t.key + " = " + row + "id;\n";
}

constexpr char kRecording[] = "(SELECT recording FROM sync_config WHERE id = 1)";

std::string Trigger(bool pg, const char* table, const std::string& part, const char* suffix,
                    const char* when, const std::string& condition, const std::string& body) {
  const std::string name = "sync_console_" + part + "_" + suffix;
  if (!pg) {
    return "CREATE TRIGGER " + name + " " + when + " ON " + table + " WHEN " + kRecording +
           " = 1" + (condition.empty() ? "" : " AND (" + condition + ")") + " BEGIN\n" + body +
           "END;\n";
  }
  return "CREATE FUNCTION " + name +
         "() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\nIF COALESCE(" + kRecording +
         ", 0) <> 1 THEN RETURN NULL; END IF;\n" + body + "RETURN NULL;\nEND\n$fn$;\n" +
         "CREATE TRIGGER " + name + " " + when + " ON " + table + " FOR EACH ROW" +
         (condition.empty() ? "" : " WHEN (" + condition + ")") + " EXECUTE FUNCTION " + name +
         "();\n";
}

std::string Differs(bool pg, const std::vector<const char*>& cols) {
  std::string s;
  for (const char* c : cols) {
    if (!s.empty()) s += " OR ";
    s += std::string("NEW.") + c + (pg ? " IS DISTINCT FROM " : " IS NOT ") + "OLD." + c;
  }
  return s;
}

}  // namespace

std::string ConsoleIndexTriggerSql(Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string s;
  for (const Counted& t : kCounted) {
    const std::string part = std::string("counts_") + t.table;
    s += Trigger(pg, t.table, part, "ins", "AFTER INSERT", "", Apply(t, "NEW.", "+"));
    s += Trigger(pg, t.table, part, "upd", "AFTER UPDATE", Differs(pg, t.moves),
                 Apply(t, "OLD.", "-") + Apply(t, "NEW.", "+"));
    s += Trigger(pg, t.table, part, "del", "AFTER DELETE", "", Apply(t, "OLD.", "-"));
  }
  for (const Grammed& t : kGrammed) {
    const std::string part = t.grams;
    s += Trigger(pg, t.table, part, "ins", "AFTER INSERT", "", AddGrams(pg, t, "NEW."));
    s += Trigger(pg, t.table, part, "upd", "AFTER UPDATE", Differs(pg, t.texts),
                 DropGrams(t, "OLD.") + AddGrams(pg, t, "NEW."));
    s += Trigger(pg, t.table, part, "del", "AFTER DELETE", "", DropGrams(t, "OLD."));
  }
  return s;
}

std::string RebuildConsoleIndexSql(Dialect dialect) {
  const bool pg = dialect == Dialect::kPostgres;
  std::string s =
      "DELETE FROM microgrid_counts;\n"
      "INSERT INTO microgrid_counts(microgrid_id, households, people, open_items)\n"
      "  SELECT r.id,\n"
      "    (SELECT COUNT(*) FROM households h WHERE h.microgrid_id = r.id),\n"
      "    (SELECT COALESCE(SUM(h.members), 0) FROM households h WHERE h.microgrid_id = r.id),\n"
      "    (SELECT COUNT(*) FROM items i WHERE i.microgrid_id = r.id AND i.state <> 'closed')\n"
      "  FROM regions r WHERE r.level = 'microgrid';\n";
  for (const Grammed& t : kGrammed) {
    s += std::string("DELETE FROM ") + t.grams + ";\n";
    s += std::string("INSERT INTO ") + t.grams + "(gram, " + t.key + ")\n    " +
         GramsOf(pg, t, "x.", std::string(t.table) + " x, ") + "\n    ON CONFLICT DO NOTHING;\n";
  }
  return s;
}

std::vector<std::string> Bigrams(const std::string& text) {
  // The characters of `text`, lower-cased (ASCII), as UTF-8 sequences.
  std::vector<std::string> chars;
  for (size_t i = 0; i < text.size();) {
    const unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t n = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    n = std::min(n, text.size() - i);
    std::string c = text.substr(i, n);
    if (n == 1 && c[0] >= 'A' && c[0] <= 'Z') c[0] = static_cast<char>(c[0] - 'A' + 'a');
    chars.push_back(std::move(c));
    i += n;
  }
  std::vector<std::string> out;
  for (size_t i = 0; i + 1 < chars.size(); ++i) {
    std::string g = chars[i] + chars[i + 1];
    if (std::find(out.begin(), out.end(), g) == out.end()) out.push_back(std::move(g));
  }
  return out;
}

}  // namespace weige::store
