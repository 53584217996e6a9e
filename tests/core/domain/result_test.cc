#include "core/domain/result.h"

#include <gtest/gtest.h>

namespace weige {
namespace {

TEST(ResultTest, CodeNamesAreTheWireNames) {
  EXPECT_EQ(CodeName(Code::kOk), "ok");
  EXPECT_EQ(CodeName(Code::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(CodeName(Code::kNotFound), "not_found");
  EXPECT_EQ(CodeName(Code::kFailedPrecondition), "failed_precondition");
  EXPECT_EQ(CodeName(Code::kPermissionDenied), "permission_denied");
  EXPECT_EQ(CodeName(Code::kConflict), "conflict");
  EXPECT_EQ(CodeName(Code::kInternal), "internal");
}

TEST(ResultTest, HelpersSetCodeReasonAndMessage) {
  Status s = FailedPrecondition("item.closed", "closed");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code, Code::kFailedPrecondition);
  EXPECT_EQ(s.reason, "item.closed");
  EXPECT_EQ(s.message, "closed");
  EXPECT_EQ(InvalidArgument("a", "b").code, Code::kInvalidArgument);
  EXPECT_EQ(NotFound("a", "b").code, Code::kNotFound);
  EXPECT_EQ(PermissionDenied("a", "b").code, Code::kPermissionDenied);
  EXPECT_EQ(Conflict("a", "b").code, Code::kConflict);
  EXPECT_EQ(Internal("a", "b").code, Code::kInternal);
  EXPECT_TRUE(Status::Ok().ok());
}

TEST(ResultTest, ToJsonHasTheFiveFields) {
  Json ok = Result::Ok({{"x", 1}}).ToJson();
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["code"], "ok");
  EXPECT_EQ(ok["reason"], "");
  EXPECT_EQ(ok["value"]["x"], 1);
  Json bad = Result::Fail(Conflict("command.id_reused", "m")).ToJson();
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["code"], "conflict");
  EXPECT_EQ(bad["reason"], "command.id_reused");
  EXPECT_EQ(bad["message"], "m");
  EXPECT_TRUE(bad["value"].is_null());
}

TEST(ResultTest, DumpReplacesInvalidUtf8InsteadOfAborting) {
  Result r = Result::Fail(InvalidArgument("x", std::string("bad \xff\xfe bytes")));
  std::string d = r.Dump();
  EXPECT_NE(d.find("bad "), std::string::npos);
  EXPECT_EQ(d.find('\xff'), std::string::npos);
  EXPECT_EQ(DumpJson(Json(std::string("\xc0"))), "\"\xEF\xBF\xBD\"");
}

Status FailsThenNot(bool fail, bool* reached) {
  WEIGE_RETURN_IF_ERROR(fail ? NotFound("x.y", "z") : Status::Ok());
  *reached = true;
  return Status::Ok();
}

TEST(ResultTest, ReturnIfErrorReturnsTheFirstError) {
  bool reached = false;
  EXPECT_EQ(FailsThenNot(true, &reached).reason, "x.y");
  EXPECT_FALSE(reached);
  EXPECT_TRUE(FailsThenNot(false, &reached).ok());
  EXPECT_TRUE(reached);
}

}  // namespace
}  // namespace weige
