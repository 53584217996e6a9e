// The one helper for text people type (core/domain/text.h), FieldReader's
// Text/OptText over it, and the phone mask (core/domain/personal_data.h).
#include "core/domain/text.h"

#include <gtest/gtest.h>

#include "core/domain/json_reader.h"
#include "core/domain/personal_data.h"

namespace weige {
namespace {

TEST(TrimSpaceTest, Table) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"", ""},
      {"   ", ""},
      {"\t\n\r\v\f ", ""},
      {"\u3000", ""},                          // full-width space
      {"\u3000\u3000修水管\u3000", "修水管"},
      {"\u00a0a\u00a0", "a"},                  // no-break space
      {"\u2003\u2009\u202f\u205fb", "b"},      // em, thin, narrow, math spaces
      {"\u200b\u200d\ufeffc\u2060", "c"},      // zero-width and BOM
      {"\u2028d\u2029", "d"},                  // line/paragraph separators
      {"\u1680e\u0085", "e"},
      {"  a b  ", "a b"},                      // inner space kept
      {"a\u3000b", "a\u3000b"},
      {"中文", "中文"},
      {"\xe3\x80", "\xe3\x80"},                // a cut sequence is not trimmed
      {" \xff ", "\xff"},
      {"😀 ", "😀"},
  };
  for (const Case& c : cases) EXPECT_EQ(TrimSpace(c.in), c.want) << c.in;
}

TEST(CheckTextTest, Table) {
  struct Case {
    std::string in;
    TextLines lines;
    size_t max;
    const char* reason;  // "" for ok
  } cases[] = {
      {"ok", TextLines::kOne, 10, ""},
      {"0123456789", TextLines::kOne, 10, ""},
      {"0123456789x", TextLines::kOne, 10, "argument.too_long"},
      {"一二三", TextLines::kOne, 9, ""},
      {"一二三四", TextLines::kOne, 9, "argument.too_long"},
      {"a\nb", TextLines::kOne, 10, "argument.control_character"},
      {"a\nb\r\n\tc", TextLines::kMany, 10, ""},
      {std::string("a\0b", 3), TextLines::kMany, 10, "argument.control_character"},
      {"a\x1b[31m", TextLines::kMany, 10, "argument.control_character"},
      {"a\x7f", TextLines::kMany, 10, "argument.control_character"},
  };
  for (const Case& c : cases) {
    Status s = CheckText(c.in, c.max, c.lines, "x");
    EXPECT_EQ(s.reason, c.reason) << c.in;
    if (*c.reason != '\0') EXPECT_EQ(s.code, Code::kInvalidArgument);
  }
}

TEST(FieldReaderTextTest, RequiredAndOptional) {
  struct Case {
    Json value;
    const char* reason;  // of Text; "" for ok
    const char* want;    // Text's value
    bool opt_present;    // OptText gives a value
  } cases[] = {
      {"  修水管 ", "", "修水管", true},
      {"", "argument.empty", "", false},
      {"   ", "argument.empty", "", false},
      {"\u3000\u3000", "argument.empty", "", false},
      {"\u200b", "argument.empty", "", false},
      {"\t\n", "argument.empty", "", false},
      {5, "argument.wrong_type", "", false},
      {nullptr, "argument.missing", "", false},
      {std::string(201, 'x'), "argument.too_long", "", false},
      {" " + std::string(200, 'x') + "  ", "", "", true},  // the limit is on the trimmed text
  };
  for (const Case& c : cases) {
    Json obj = {{"k", c.value}};
    FieldReader r(obj, "p");
    std::string got = r.Text("k", 200);
    EXPECT_EQ(r.status().reason, c.reason) << c.value.dump();
    if (*c.reason == '\0' && *c.want != '\0') EXPECT_EQ(got, c.want);
    FieldReader o(obj, "p");
    auto opt = o.OptText("k", 200);
    EXPECT_EQ(opt.has_value(), c.opt_present) << c.value.dump();
    bool opt_error = std::string(c.reason) == "argument.wrong_type" ||
                     std::string(c.reason) == "argument.too_long";
    EXPECT_EQ(o.ok(), !opt_error) << c.value.dump();
  }
}

TEST(MaskPhoneTest, Table) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"13812341234", "138****1234"},
      {"+8613812341234", "+86*******1234"},
      {"010-12345678", "010*****5678"},
      {"1234567", "*****67"},
      {"123", "*23"},
      {"12", "**"},
      {"1", "*"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(MaskPhone(c.in), c.want) << c.in;
}

TEST(CanRevealPhoneTest, OnlyTheHandlerWithConsent) {
  Actor owner{"p1", {}};
  Actor dept{"p2", {{Role::kDepartment, "dept_a"}}};
  Actor other{"p3", {{Role::kDepartment, "dept_b"}, {Role::kGridHead, "g1"}}};
  EXPECT_TRUE(CanRevealPhone(owner, "p1", "", true));
  EXPECT_FALSE(CanRevealPhone(owner, "p1", "", false));
  EXPECT_TRUE(CanRevealPhone(dept, "", "dept_a", true));
  EXPECT_FALSE(CanRevealPhone(dept, "", "dept_a", false));
  EXPECT_FALSE(CanRevealPhone(other, "p1", "dept_a", true));
  EXPECT_FALSE(CanRevealPhone(owner, "", "", true));
}

}  // namespace
}  // namespace weige
