// Residents' personal data, kept to what the job needs (issue 11, section 7).
//
// A report may carry the resident's phone. Query results show it masked
// (MaskPhone) to everyone who may read the item; only the person handling the
// item sees it in full, only if the resident chose "you may contact me"
// (report.submit's contact_ok), and only through report.reveal_phone, which
// records each reveal in the event trail.
#pragma once

#include <string>
#include <string_view>

#include "core/domain/access.h"

namespace weige {

// "13812341234" -> "138****1234": the first 3 and last 4 characters kept,
// every other character a '*'; 7 or fewer characters keep only the last 2
// (at most 2 of 6: "****34"). Empty stays empty. Works on bytes: phones are
// ASCII (digits, '+', '-', spaces).
std::string MaskPhone(std::string_view phone);

// The person handling an item: its owner person, or a member of its owner
// department.
bool IsHandler(const Actor& actor, std::string_view owner_person, std::string_view owner_dept);

// May `actor` see a report's phone in full: the handler, and only with the
// resident's consent.
bool CanRevealPhone(const Actor& actor, std::string_view owner_person, std::string_view owner_dept,
                    bool contact_ok);

}  // namespace weige
