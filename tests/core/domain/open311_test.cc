// Open311 in the domain: the report categories' forms, attribute checks,
// the spec's times, the services generated, and the one public view of a
// report (no resident's phone, name or household id).
#include "core/domain/open311.h"

#include <gtest/gtest.h>

#include <set>

#include "core/domain/report_categories.h"

namespace weige {
namespace {

TEST(ReportCategories, EveryFormParsesAndCodesAreUnique) {
  const auto& all = ReportCategories();
  ASSERT_GE(all.size(), 10u);
  std::set<std::string> codes;
  for (const ReportCategory& c : all) {
    EXPECT_TRUE(codes.insert(c.code).second) << c.code;
    EXPECT_EQ(c.form.id, "report_" + c.code) << "form of " << c.code << " failed to parse";
    EXPECT_FALSE(c.name.empty());
    EXPECT_FALSE(c.name_en.empty());
  }
  EXPECT_NE(FindReportCategory("fire_safety"), nullptr);
  EXPECT_EQ(FindReportCategory("potholes"), nullptr);
  EXPECT_FALSE(FindReportCategory("fire_safety")->form.questions.empty());
  EXPECT_TRUE(FindReportCategory("other")->form.questions.empty());
}

TEST(ReportCategories, AttributesAreCheckedAgainstTheForm) {
  const ReportCategory& fire = *FindReportCategory("fire_safety");
  EXPECT_TRUE(ValidateReportAttributes(fire, {{"hazard", "楼道堆物"}}).ok());
  EXPECT_EQ(ValidateReportAttributes(fire, Json::object()).reason, "report.missing_attribute");
  EXPECT_EQ(ValidateReportAttributes(fire, {{"hazard", "nothing"}}).code, Code::kInvalidArgument);
  EXPECT_EQ(ValidateReportAttributes(fire, {{"hazard", "楼道堆物"}, {"x", 1}}).reason,
            "report.unknown_attribute");
  EXPECT_EQ(ValidateReportAttributes(fire, Json::array()).code, Code::kInvalidArgument);
  const ReportCategory& water = *FindReportCategory("water_leak");
  EXPECT_TRUE(ValidateReportAttributes(water, {{"floor", 3}}).ok());
  EXPECT_FALSE(ValidateReportAttributes(water, {{"floor", 500}}).ok());
}

TEST(ReportCategories, FormValuesBecomeTypedAnswers) {
  const ReportCategory& parking = *FindReportCategory("parking");
  Json a;
  ASSERT_TRUE(AttributesFromForm(parking, {{"blocks_fire_lane", {"true"}}}, &a).ok());
  EXPECT_EQ(a, Json({{"blocks_fire_lane", true}}));
  EXPECT_EQ(AttributesFromForm(parking, {{"blocks_fire_lane", {"yes"}}}, &a).reason,
            "report.bad_attribute");
  const ReportCategory& water = *FindReportCategory("water_leak");
  ASSERT_TRUE(AttributesFromForm(water, {{"floor", {"-2"}}, {"detail", {"厨房"}}}, &a).ok());
  EXPECT_EQ(a["floor"], -2.0);
  EXPECT_EQ(a["detail"], "厨房");
  for (const char* bad : {"", "3x", "nan", "inf", "1e999"}) {
    EXPECT_FALSE(AttributesFromForm(water, {{"floor", {bad}}}, &a).ok()) << bad;
  }
  EXPECT_FALSE(AttributesFromForm(water, {{"floor", {"1", "2"}}}, &a).ok());
}

TEST(Open311Time, FormatsInChinaStandardTimeAndParsesTheW3cSubset) {
  EXPECT_EQ(open311::FormatTime(0), "1970-01-01T08:00:00+08:00");
  int64_t ms = 0;
  ASSERT_TRUE(open311::ParseTime("1994-11-05T13:15:30Z", &ms));
  int64_t other = 0;
  ASSERT_TRUE(open311::ParseTime("1994-11-05T08:15:30-05:00", &other));
  EXPECT_EQ(ms, other);
  EXPECT_EQ(ms, 784041330000);
  ASSERT_TRUE(open311::ParseTime("2026-12-02", &ms));
  EXPECT_EQ(open311::FormatTime(ms), "2026-12-02T00:00:00+08:00");
  ASSERT_TRUE(open311::ParseTime("2026-12-02T10:00:00.250+0800", &ms));
  EXPECT_EQ(ms % 1000, 250);
  ASSERT_TRUE(open311::ParseTime(open311::FormatTime(1796238768000), &ms));
  EXPECT_EQ(ms, 1796238768000);
  ASSERT_TRUE(open311::ParseTime("2024-02-29T23:59:59Z", &ms));
  for (const char* bad : {"", "yesterday", "2026-02-30", "2025-02-29", "2026-13-01", "1969-12-31",
                          "2026-12-02T24:00:00Z", "2026-12-02T10:00:00+25:00", "2026-12-02T10",
                          "2026-12-02T10:00:00ZZ", "2026-12-02T10:00:00.Z", "2026-12-02x"}) {
    EXPECT_FALSE(open311::ParseTime(bad, &ms)) << bad;
  }
}

TEST(Open311Services, GeneratedFromTheCategories) {
  const ReportCategory& fire = *FindReportCategory("fire_safety");
  Json s = open311::ServiceJson(fire);
  EXPECT_EQ(s["service_code"], "fire_safety");
  EXPECT_EQ(s["metadata"], true);
  EXPECT_EQ(open311::ServiceJson(*FindReportCategory("other"))["metadata"], false);
  Json d = open311::ServiceDefinitionJson(fire);
  ASSERT_EQ(d["attributes"].size(), 1u);
  const Json& a = d["attributes"][0];
  EXPECT_EQ(a["code"], "hazard");
  EXPECT_EQ(a["required"], true);
  EXPECT_EQ(a["datatype"], "singlevaluelist");
  EXPECT_EQ(a["values"].size(), fire.form.questions[0].options.size());
  EXPECT_EQ(a["values"][0]["key"], fire.form.questions[0].options[0]);
  Json water = open311::ServiceDefinitionJson(*FindReportCategory("water_leak"));
  EXPECT_EQ(water["attributes"][0]["datatype"], "number");
  EXPECT_EQ(water["attributes"][1]["datatype"], "text");
  EXPECT_EQ(water["attributes"][1]["required"], false);
}

TEST(Open311Public, PrivateValuesNeverLeaveAReport) {
  open311::PublicRequest d;
  d.service_request_id = "r1";
  d.item_state = "fixed";
  d.service_code = "sanitation";
  d.description = "楼下垃圾，我是薛凤兰，电话13912345678，家 h-101，座机 010-6543210";
  d.address = "1号楼 薛凤兰家";
  const std::vector<std::string> secrets = {"薛凤兰", "13900000000", "", "h-101", "x"};
  open311::PublicRequest p = open311::MakePublicRequest(d, secrets);
  EXPECT_EQ(p.status, "open");
  for (const std::string& field : {p.description, p.address}) {
    EXPECT_EQ(field.find("薛凤兰"), std::string::npos) << field;
    EXPECT_EQ(field.find("13912345678"), std::string::npos) << field;
    EXPECT_EQ(field.find("h-101"), std::string::npos) << field;
  }
  EXPECT_NE(p.description.find("楼下垃圾"), std::string::npos);
  EXPECT_NE(p.description.find("010-"), std::string::npos);  // short digit runs stay
  Json j = open311::RequestJson(p);
  for (const char* k : {"phone", "household_id", "resident_id", "first_name", "last_name", "email"}) {
    EXPECT_FALSE(j.contains(k)) << k;
  }
  for (const char* k : {"service_request_id", "status", "service_code", "requested_datetime",
                        "updated_datetime", "address", "lat", "long"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_EQ(open311::RedactText("1234567 123456", {}), "*** 123456");
}

TEST(Open311Public, UpdatesMapTheItemEvents) {
  EXPECT_STREQ(open311::UpdateStatus("item.assigned"), "IN_PROGRESS");
  EXPECT_STREQ(open311::UpdateStatus("item.closed"), "FIXED");
  EXPECT_STREQ(open311::UpdateStatus("item.reopened"), "OPEN");
  EXPECT_STREQ(open311::UpdateState("item.fixed"), "fixed");
  EXPECT_EQ(open311::UpdateStatus("item.commented"), nullptr);
  Json u = open311::UpdateJson({42, "r1", "item.closed", 0});
  EXPECT_EQ(u["update_id"], "42");
  EXPECT_EQ(u["status"], "FIXED");
  EXPECT_EQ(u["weige_state"], "closed");
}

}  // namespace
}  // namespace weige
