// Names for the demo district: Tongzhou's streets and towns, residential
// compounds (小区) and people's names, all picked deterministically.
#pragma once

#include <string>

#include "tools/demo/demo_util.h"

namespace weige::demo {

// The i-th street or town (0-based): "中仓街道", "永顺镇", ...; past the real
// list, numbered variants. `short_name` gets the name without its suffix.
std::string StreetName(int i, std::string* short_name = nullptr);

// The residential compound a community is named after: "翠屏北里", ... Unique
// for every i (later ones gain a district suffix such as "东区").
std::string CompoundName(int i);

// A property company's name for a compound.
std::string PropertyCompanyName(int i, const std::string& compound);

// A person's name: a common surname (weighted by frequency) and given name.
std::string PersonName(Rng& rng);

// A mobile number: 11 digits starting 13/15/18.
std::string PhoneNumber(Rng& rng);

}  // namespace weige::demo
