#include "core/domain/json_reader.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace weige {
namespace {

Json J(const char* text) {
  Json j;
  Status s = ParseJson(text, 1 << 20, &j);
  EXPECT_TRUE(s.ok()) << text;
  return j;
}

TEST(ParseJsonTest, AcceptsValidJson) {
  Json j;
  ASSERT_TRUE(ParseJson(R"({"a": [1, "两", null]})", 100, &j).ok());
  EXPECT_EQ(j["a"][1], "两");
}

TEST(ParseJsonTest, RejectsMalformedInput) {
  for (const char* bad : {"", "{", "}", "{\"a\":}", "[1,]", "{} x", "{\"a\":1}{}", "nul", "'a'",
                          "{a:1}", "\"\\x\"", "1e400", "\"\\ud800\"", "\"\xff\"",
                          "\"\xc0\xaf\"", "[\"\t\"]"}) {
    Json j = 7;
    Status s = ParseJson(bad, 1000, &j);
    EXPECT_EQ(s.code, Code::kInvalidArgument) << bad;
    EXPECT_EQ(s.reason, "json.malformed") << bad;
    EXPECT_EQ(j, 7) << "output untouched for " << bad;
  }
  std::string nul("{\"a\":\"x\0y\"}", 11);
  Json j;
  EXPECT_EQ(ParseJson(nul, 1000, &j).reason, "json.malformed");
}

// issue 11: nlohmann's lexer ends the input at a NUL byte, so a valid command
// followed by NUL and garbage used to parse (and the garbage was stored).
TEST(ParseJsonTest, RejectsANulByteAnywhere) {
  using namespace std::string_literals;
  for (const std::string& bad : {"{\"a\":1}\0 GARBAGE"s, "{}\0"s, "\0{}"s, "\0"s,
                                 "[1,\0 2]"s, "{\"a\":1} \0"s}) {
    Json j = 7;
    Status s = ParseJson(bad, 1000, &j);
    EXPECT_EQ(s.code, Code::kInvalidArgument) << bad.size();
    EXPECT_EQ(s.reason, "json.malformed") << bad.size();
    EXPECT_EQ(j, 7);
  }
}

TEST(ParseJsonTest, RejectsOversizeBeforeParsing) {
  std::string big = "\"" + std::string(200, 'a') + "\"";
  Json j;
  EXPECT_EQ(ParseJson(big, 202, &j).code, Code::kOk);
  Status s = ParseJson(big, 201, &j);
  EXPECT_EQ(s.code, Code::kInvalidArgument);
  EXPECT_EQ(s.reason, "json.too_large");
}

TEST(ParseJsonTest, RejectsDeepNesting) {
  Json j;
  auto nest = [](int depth, char open, char close) {
    return std::string(static_cast<size_t>(depth), open) + std::string(static_cast<size_t>(depth), close);
  };
  EXPECT_TRUE(ParseJson(nest(64, '[', ']'), 1 << 20, &j).ok());
  std::string objects;
  for (int i = 0; i < 64; ++i) objects += "{\"a\":";
  objects += "1" + std::string(64, '}');
  EXPECT_TRUE(ParseJson(objects, 1 << 20, &j).ok());
  for (const std::string& deep :
       {nest(65, '[', ']'), "{\"a\":" + nest(64, '[', ']') + "}", nest(400000, '[', ']'),
        std::string(400000, '['), "[" + objects + "]"}) {
    Status s = ParseJson(deep, 1 << 20, &j);
    EXPECT_EQ(s.code, Code::kInvalidArgument);
    EXPECT_EQ(s.reason, "json.too_deep") << deep.substr(0, 80);
  }
  // Brackets inside strings (escaped quotes too) are text, not nesting.
  std::string text = "[\"" + std::string(100, '[') + "\\\"" + std::string(100, '{') + "\"]";
  ASSERT_TRUE(ParseJson(text, 1 << 20, &j).ok()) << text;
  EXPECT_EQ(j[0].get<std::string>().size(), 201u);
}

TEST(IdTest, IsValidId) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("A-z_0.9:x"));
  EXPECT_TRUE(IsValidId(std::string(64, 'x')));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(65, 'x')));
  for (const char* bad : {"a b", "a/b", "a*", "*", "é", "a\n", "a\"", "a'", "a;b", "a,b",
                          "a%", "a@b", "网格"}) {
    EXPECT_FALSE(IsValidId(bad)) << bad;
  }
  EXPECT_FALSE(IsValidId(std::string("a\0b", 3)));
}

TEST(IdTest, IsSha256Hex) {
  std::string good(64, 'a');
  EXPECT_TRUE(IsSha256Hex(good));
  EXPECT_TRUE(IsSha256Hex("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a')));
  EXPECT_FALSE(IsSha256Hex(std::string(65, 'a')));
  EXPECT_FALSE(IsSha256Hex(""));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + "A"));  // uppercase
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + "g"));
  EXPECT_FALSE(IsSha256Hex(std::string(63, 'a') + " "));
}

// Expects the reader's first error to be `reason`, naming `path`.
void ExpectFail(const FieldReader& r, const char* reason, const char* path) {
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code, Code::kInvalidArgument);
  EXPECT_EQ(r.status().reason, reason);
  EXPECT_NE(r.status().message.find(path), std::string::npos) << r.status().message;
}

TEST(FieldReaderTest, NonObjectIsWrongType) {
  for (const char* text : {"[]", "1", "\"s\"", "null", "true"}) {
    Json j = J(text);
    FieldReader r(j, "payload");
    ExpectFail(r, "argument.wrong_type", "payload");
    EXPECT_EQ(r.Id("x"), "");
    EXPECT_EQ(r.Int("x", 0, 1), 0);
  }
}

TEST(FieldReaderTest, Id) {
  Json j = J(R"({"ok": "a-1", "sp": "a b", "num": 3, "long": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "nul": null, "empty": ""})");
  {
    FieldReader r(j, "p");
    EXPECT_EQ(r.Id("ok"), "a-1");
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.OptId("missing"), std::nullopt);
    EXPECT_EQ(r.OptId("nul"), std::nullopt);
    EXPECT_TRUE(r.ok());
  }
  struct Case { const char* key; const char* reason; } cases[] = {
      {"sp", "argument.invalid_id"},   {"num", "argument.wrong_type"},
      {"long", "argument.too_long"},   {"nul", "argument.missing"},
      {"missing", "argument.missing"}, {"empty", "argument.invalid_id"}};
  for (const Case& c : cases) {
    FieldReader r(j, "p");
    EXPECT_EQ(r.Id(c.key), "") << c.key;
    ExpectFail(r, c.reason, (std::string("p.") + c.key).c_str());
    FieldReader o(j, "p");
    o.OptId(c.key);
    if (std::string(c.reason) == "argument.missing") {
      EXPECT_TRUE(o.ok()) << c.key;
    } else {
      ExpectFail(o, c.reason, c.key);
    }
  }
}

TEST(FieldReaderTest, Str) {
  Json j = J(R"({"s": "héllo", "e": "", "n": 1, "a": [], "o": {}, "b": false})");
  FieldReader r(j, "p");
  EXPECT_EQ(r.Str("s", 6), "héllo");  // 6 bytes
  EXPECT_EQ(r.Str("e", 5, /*allow_empty=*/true), "");
  EXPECT_EQ(r.OptStr("s", 6), "héllo");
  EXPECT_EQ(r.OptStr("zz", 6), std::nullopt);
  EXPECT_TRUE(r.ok());
  {
    FieldReader t(j, "p");
    t.Str("s", 5);
    ExpectFail(t, "argument.too_long", "p.s");
  }
  {
    FieldReader t(j, "p");
    t.Str("e", 5);
    ExpectFail(t, "argument.empty", "p.e");
  }
  for (const char* key : {"n", "a", "o", "b"}) {
    FieldReader t(j, "p");
    EXPECT_EQ(t.Str(key, 5), "");
    ExpectFail(t, "argument.wrong_type", key);
    FieldReader u(j, "p");
    EXPECT_EQ(u.OptStr(key, 5), std::nullopt);
    ExpectFail(u, "argument.wrong_type", key);
  }
  FieldReader m(j, "");
  m.Str("zz", 5);
  ExpectFail(m, "argument.missing", "zz");
  EXPECT_EQ(m.status().message.rfind("zz", 0), 0u) << "no path prefix: " << m.status().message;
}

TEST(FieldReaderTest, Enum) {
  Json j = J(R"({"k": "met", "bad": "maybe", "n": 2, "long": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})");
  FieldReader r(j, "p");
  EXPECT_EQ(r.Enum("k", {"met", "vacant"}), "met");
  EXPECT_EQ(r.OptEnum("absent", {"met"}), std::nullopt);
  EXPECT_TRUE(r.ok());
  FieldReader b(j, "p");
  EXPECT_EQ(b.Enum("bad", {"met", "vacant"}), "");
  ExpectFail(b, "argument.invalid_value", "met, vacant");
  FieldReader n(j, "p");
  n.OptEnum("n", {"met"});
  ExpectFail(n, "argument.wrong_type", "p.n");
  FieldReader m(j, "p");
  m.Enum("absent", {"met"});
  ExpectFail(m, "argument.missing", "p.absent");
  FieldReader l(j, "p");
  l.Enum("long", {"met"});
  ExpectFail(l, "argument.too_long", "p.long");
}

TEST(FieldReaderTest, Int) {
  Json j = J(R"({"z": 0, "neg": -5, "big": 9223372036854775807, "ubig": 18446744073709551615,
                 "f": 1.5, "fi": 2.0, "s": "3", "b": true, "huge": 1e300, "nul": null})");
  FieldReader r(j, "p");
  EXPECT_EQ(r.Int("z", 0, 0), 0);
  EXPECT_EQ(r.Int("neg", -5, 5), -5);
  EXPECT_EQ(r.Int("big", 0, INT64_MAX), INT64_MAX);
  EXPECT_EQ(r.OptInt("absent", 0, 1), std::nullopt);
  EXPECT_EQ(r.OptInt("nul", 0, 1), std::nullopt);
  EXPECT_TRUE(r.ok());
  struct Case { const char* key; int64_t lo, hi; const char* reason; } cases[] = {
      {"z", 1, 5, "argument.out_of_range"},     {"neg", -4, 5, "argument.out_of_range"},
      {"big", 0, INT64_MAX - 1, "argument.out_of_range"},
      {"ubig", 0, INT64_MAX, "argument.out_of_range"},
      {"f", 0, 5, "argument.wrong_type"},       {"fi", 0, 5, "argument.wrong_type"},
      {"s", 0, 5, "argument.wrong_type"},       {"b", 0, 5, "argument.wrong_type"},
      {"huge", 0, INT64_MAX, "argument.wrong_type"},
      {"absent", 0, 5, "argument.missing"},     {"nul", 0, 5, "argument.missing"}};
  for (const Case& c : cases) {
    FieldReader t(j, "p");
    EXPECT_EQ(t.Int(c.key, c.lo, c.hi), 0) << c.key;
    ExpectFail(t, c.reason, c.key);
  }
}

TEST(FieldReaderTest, OptNumber) {
  Json j = J(R"({"i": 3, "d": -2.5, "s": "1", "u": 18446744073709551615})");
  j["inf"] = std::numeric_limits<double>::infinity();
  j["nan"] = std::nan("");
  FieldReader r(j, "p");
  EXPECT_EQ(r.OptNumber("i", 0, 3), 3.0);
  EXPECT_EQ(r.OptNumber("d", -2.5, 0), -2.5);
  EXPECT_EQ(r.OptNumber("absent", 0, 1), std::nullopt);
  EXPECT_TRUE(r.ok());
  struct Case { const char* key; double lo, hi; const char* reason; } cases[] = {
      {"i", 0, 2.9, "argument.out_of_range"},  {"d", -2, 0, "argument.out_of_range"},
      {"u", 0, 1e15, "argument.out_of_range"}, {"inf", -1e300, 1e300, "argument.out_of_range"},
      {"nan", -1e300, 1e300, "argument.out_of_range"}, {"s", 0, 5, "argument.wrong_type"}};
  for (const Case& c : cases) {
    FieldReader t(j, "p");
    EXPECT_EQ(t.OptNumber(c.key, c.lo, c.hi), std::nullopt) << c.key;
    ExpectFail(t, c.reason, c.key);
  }
}

TEST(FieldReaderTest, Bool) {
  Json j = J(R"({"t": true, "f": false, "n": 1, "s": "true", "nul": null})");
  FieldReader r(j, "p");
  EXPECT_TRUE(r.Bool("t", false));
  EXPECT_FALSE(r.Bool("f", true));
  EXPECT_TRUE(r.Bool("absent", true));
  EXPECT_FALSE(r.Bool("nul", false));
  EXPECT_TRUE(r.ok());
  for (const char* key : {"n", "s"}) {
    FieldReader t(j, "p");
    EXPECT_TRUE(t.Bool(key, true)) << "the fallback on error";
    ExpectFail(t, "argument.wrong_type", key);
  }
}

TEST(FieldReaderTest, ArrayAndObject) {
  Json j = J(R"({"a": [1, 2, 3], "o": {"x": 1}, "s": "x", "e": []})");
  FieldReader r(j, "p");
  ASSERT_NE(r.Array("a", 3), nullptr);
  EXPECT_EQ(r.Array("absent", 3, /*optional=*/true), nullptr);
  EXPECT_NE(r.Array("e", 0), nullptr);
  ASSERT_NE(r.Object("o"), nullptr);
  EXPECT_EQ(r.Object("absent", /*optional=*/true), nullptr);
  EXPECT_TRUE(r.ok());
  struct Case { int kind; const char* key; const char* reason; } cases[] = {
      {0, "a", "argument.too_many"},    {0, "o", "argument.wrong_type"},
      {0, "s", "argument.wrong_type"},  {0, "absent", "argument.missing"},
      {1, "a", "argument.wrong_type"},  {1, "s", "argument.wrong_type"},
      {1, "absent", "argument.missing"}};
  for (const Case& c : cases) {
    FieldReader t(j, "p");
    const Json* v = c.kind == 0 ? t.Array(c.key, 2) : t.Object(c.key);
    EXPECT_EQ(v, nullptr) << c.key;
    ExpectFail(t, c.reason, c.key);
  }
}

TEST(FieldReaderTest, Sha256List) {
  std::string a(64, 'a'), b(64, 'b');
  Json j = {{"two", {a, b}}, {"none", Json::array()}, {"upper", {std::string(64, 'A')}},
            {"num", {1}}, {"str", a}, {"short", {"abc"}}};
  FieldReader r(j, "p");
  EXPECT_EQ(r.Sha256List("two", 1, 2), (std::vector<std::string>{a, b}));
  EXPECT_TRUE(r.Sha256List("none", 0, 2).empty());
  EXPECT_TRUE(r.Sha256List("absent", 0, 2).empty());
  EXPECT_TRUE(r.ok());
  struct Case { const char* key; size_t min, max; const char* reason; } cases[] = {
      {"two", 0, 1, "argument.too_many"},          {"none", 1, 2, "evidence.required"},
      {"absent", 1, 2, "argument.missing"},        {"upper", 0, 2, "argument.invalid_sha256"},
      {"num", 0, 2, "argument.invalid_sha256"},    {"str", 0, 2, "argument.wrong_type"},
      {"short", 0, 2, "argument.invalid_sha256"},  {"two", 3, 5, "evidence.required"}};
  for (const Case& c : cases) {
    FieldReader t(j, "p");
    EXPECT_TRUE(t.Sha256List(c.key, c.min, c.max).empty()) << c.key;
    ExpectFail(t, c.reason, c.key);
  }
}

TEST(FieldReaderTest, IdList) {
  Json j = J(R"({"ids": ["a", "b-1"], "bad": ["a", "b c"], "num": [1], "many": ["a","b","c"]})");
  FieldReader r(j, "p");
  EXPECT_EQ(r.IdList("ids", 5), (std::vector<std::string>{"a", "b-1"}));
  EXPECT_TRUE(r.IdList("absent", 5).empty());
  EXPECT_TRUE(r.ok());
  struct Case { const char* key; const char* reason; } cases[] = {
      {"bad", "argument.invalid_id"}, {"num", "argument.invalid_id"},
      {"many", "argument.too_many"}};
  for (const Case& c : cases) {
    FieldReader t(j, "p");
    EXPECT_TRUE(t.IdList(c.key, 2).empty()) << c.key;
    ExpectFail(t, c.reason, c.key);
  }
}

TEST(FieldReaderTest, FirstErrorSticksAndLaterReadsAreEmpty) {
  Json j = J(R"({"id": 5, "name": "x", "n": 3, "a": [1], "o": {}, "b": true})");
  FieldReader r(j, "payload");
  EXPECT_EQ(r.Id("id"), "");
  ASSERT_EQ(r.status().reason, "argument.wrong_type");
  EXPECT_EQ(r.Str("name", 10), "");
  EXPECT_EQ(r.OptStr("name", 10), std::nullopt);
  EXPECT_EQ(r.Int("n", 0, 5), 0);
  EXPECT_EQ(r.OptInt("n", 0, 5), std::nullopt);
  EXPECT_EQ(r.OptNumber("n", 0, 5), std::nullopt);
  EXPECT_EQ(r.Array("a", 5), nullptr);
  EXPECT_EQ(r.Object("o"), nullptr);
  EXPECT_FALSE(r.Bool("b", false));
  EXPECT_EQ(r.Enum("name", {"x"}), "");
  r.Str("missing", 10);
  r.Fail("other", "other.reason", "later");
  EXPECT_EQ(r.status().reason, "argument.wrong_type");
  EXPECT_EQ(r.status().message, "payload.id must be a string");
}

TEST(FieldReaderTest, FailRecordsAnError) {
  Json j = Json::object();
  FieldReader r(j, "payload");
  r.Fail("k", "custom.reason", "is odd");
  EXPECT_EQ(r.status().reason, "custom.reason");
  EXPECT_EQ(r.status().message, "payload.k is odd");
}

}  // namespace
}  // namespace weige
