// The demo's sample import files: what a newcomer imports through the
// console (or `weige import`) to see a register import work on the demo
// district — two new buildings in the first micro-grid (s1c1g1m1), their
// households and a building captain for each, in the formats a district's
// office really has: XLSX and a CSV in GB18030 (what Chinese Excel saves by
// default). Written by `weige samples --out DIR`; build-scripts/run.sh puts
// them in build/demo-samples/.
#pragma once

#include <string>
#include <vector>

#include "core/domain/result.h"

namespace weige::demo {

struct SampleFile {
  std::string name;  // file name inside the folder, import order first
  std::string kind;  // the register kind to import it as
  int rows = 0;
};

// Writes the files (and 说明-README.txt) into `dir`, which must exist.
Status WriteSamples(const std::string& dir, std::vector<SampleFile>* files);

}  // namespace weige::demo
