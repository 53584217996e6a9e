#include "tools/demo/demo_names.h"

#include <iterator>

namespace weige::demo {

namespace {

// Tongzhou's 11 streets, then its towns and township.
constexpr const char* kStreets[][2] = {
    {"中仓", "街道"},   {"新华", "街道"},   {"北苑", "街道"},   {"玉桥", "街道"},
    {"潞源", "街道"},   {"通运", "街道"},   {"文景", "街道"},   {"九棵树", "街道"},
    {"临河里", "街道"}, {"杨庄", "街道"},   {"潞邑", "街道"},   {"永顺", "镇"},
    {"梨园", "镇"},     {"宋庄", "镇"},     {"张家湾", "镇"},   {"台湖", "镇"},
    {"马驹桥", "镇"},   {"西集", "镇"},     {"漷县", "镇"},     {"永乐店", "镇"},
    {"潞城", "镇"},     {"于家务回族", "乡"},
};

constexpr const char* kCompounds[] = {
    "中仓小区", "西营前街", "新华西里", "北苑南里", "玉桥东里", "玉桥西里", "梨园东里",
    "运河园",   "翠屏北里", "通运小区", "天赐良园", "鑫苑小区", "京贸国际", "八里桥",
    "杨庄北区", "乔庄东区", "果园小区", "新城南街", "怡乐园",   "云景里",   "上营小区",
    "东关小区", "西关小区", "潞河名苑", "格兰晴天", "珠江国际城", "运河湾", "北小园",
    "通惠家园", "临河里",   "佳龙里",   "滨河小区", "永顺南里", "万盛南街", "月亮河",
    "金侨时代", "贵友家园", "新通国际", "芙蓉园",   "紫运家园", "梨花园",   "九棵树家园",
    "土桥小区", "群芳园",   "瑞都国际", "通典铭居", "复兴里",   "东方厂小区", "车站路",
    "靓景明居", "华业东方玫瑰", "中上园", "中山街",  "北关小区", "新华联家园", "裕龙花园",
    "玉带河东街", "西上园", "荔景园",   "梨园北街", "大方居",   "柳岸方园", "龙鼎园",
    "和合家园", "运乔嘉园", "富力尚悦居", "东亚印象台湖", "马驹桥商业街", "西集花园",
    "漷县新村", "永乐店家园", "宋庄家园", "张家湾花园", "潞城家园", "于家务新村",
    "首开国风美唐", "北京城建北苑", "世纪星城", "京洲园",  "颐瑞东里", "颐瑞西里",
    "云景东里", "云景北里", "海棠花园", "丽景园",   "朗清园",   "金地格林小镇",
};

constexpr const char* kCompoundSuffixes[] = {"",   "东区", "西区", "南区", "北区",
                                             "一区", "二区", "三区", "四区", "五区"};

// Common surnames, most frequent first.
constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
    "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
    "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾",
    "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔", "白", "崔", "康",
    "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷", "钱", "汤",
    "尹", "黎", "易", "常", "武", "乔", "贺", "赖", "龚", "文",
};

constexpr const char* kGivenNames[] = {
    "伟",   "芳",   "娜",   "秀英", "敏",   "静",   "丽",   "强",   "磊",   "军",
    "洋",   "勇",   "艳",   "杰",   "娟",   "涛",   "明",   "超",   "秀兰", "霞",
    "平",   "刚",   "桂英", "建国", "建华", "国强", "淑珍", "玉兰", "志强", "海燕",
    "红梅", "文华", "子涵", "浩然", "宇轩", "欣怡", "梓萱", "凤兰", "淑兰", "秀珍",
    "桂兰", "玉珍", "德明", "振华", "卫东", "向阳", "红军", "建军", "国庆", "秀梅",
    "丽娟", "晓东", "晓红", "晓燕", "春梅", "春生", "金凤", "永刚", "永胜", "海涛",
    "俊杰", "雪梅", "立新", "立群", "宏伟", "志明", "志刚", "玉梅", "桂芳", "淑华",
    "一鸣", "思雨", "雨桐", "佳怡", "子轩", "梓涵", "诗涵", "博文", "天佑", "铭泽",
    "丽华", "爱华", "爱国", "亚军", "小红", "小军", "冬梅", "秋菊", "春华", "德胜",
    "宝山", "长林", "凤英", "翠兰", "金花", "瑞霞", "美玲", "家豪", "晨曦", "昊天",
};

}  // namespace

std::string StreetName(int i, std::string* short_name) {
  constexpr int n = static_cast<int>(std::size(kStreets));
  std::string base = kStreets[i % n][0];
  if (i >= n) base += std::to_string(i / n + 1);
  if (short_name != nullptr) *short_name = base;
  return base + kStreets[i % n][1];
}

std::string CompoundName(int i) {
  constexpr int n = static_cast<int>(std::size(kCompounds));
  constexpr int k = static_cast<int>(std::size(kCompoundSuffixes));
  std::string name = kCompounds[i % n];
  int round = i / n;
  name += kCompoundSuffixes[round % k];
  if (round >= k) name += std::to_string(round / k + 1) + "期";
  return name;
}

std::string PropertyCompanyName(int i, const std::string& compound) {
  constexpr const char* kKinds[] = {"物业服务中心", "物业管理有限公司", "物业服务有限公司"};
  return compound + kKinds[i % 3];
}

std::string PersonName(Rng& rng) {
  std::string name = kSurnames[rng.Skewed(std::size(kSurnames))];
  name += kGivenNames[rng.Next() % std::size(kGivenNames)];
  return name;
}

std::string PhoneNumber(Rng& rng) {
  constexpr const char* kPrefixes[] = {"130", "131", "135", "136", "137", "138", "139",
                                       "150", "151", "152", "158", "186", "187", "188"};
  std::string phone = rng.Pick(kPrefixes);
  for (int i = 0; i < 8; ++i) phone += static_cast<char>('0' + rng.Next() % 10);
  return phone;
}

}  // namespace weige::demo
