// The figures a micro-grid is judged by (coverage, closure, overdue,
// satisfaction), accumulated per micro-grid and rolled up to any region.
#pragma once

#include <cstdint>
#include <vector>

#include "core/domain/item_rules.h"
#include "core/domain/result.h"

namespace weige {

struct Figures {
  int64_t microgrids = 0;
  int64_t households = 0;
  int64_t visited = 0;  // households whose visit this cycle counts
  int64_t items[4] = {0, 0, 0, 0};  // by ItemState
  int64_t overdue = 0;
  std::vector<int64_t> close_ms;  // opened -> closed durations of closed items
  int64_t evaluated = 0;
  int64_t satisfied = 0;
  int64_t rating_sum = 0;

  void AddItem(ItemState state, bool is_overdue, int64_t close_duration_ms);
  void Merge(const Figures& other);
  // {microgrids, households, visited, coverage, items{open,assigned,fixed,closed,total},
  //  overdue, closure_rate, median_close_ms, satisfaction{evaluated,satisfied,rate,avg_rating}}
  // Rates are null when their denominator is 0. Sorts close_ms.
  Json ToJson();
};

// The median of `values` (sorted in place); 0 for none.
int64_t Median(std::vector<int64_t>* values);

}  // namespace weige
