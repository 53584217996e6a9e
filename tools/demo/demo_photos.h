// Photos of the demo: small generated PNGs (160x120, a building under a sky,
// its colours and windows drawn from the label), so that every digest a demo
// command cites names bytes the server holds and serves, as a phone's upload
// would. The same label gives the same bytes.
#pragma once

#include <string>
#include <string_view>

namespace weige::demo {

struct Photo {
  std::string sha256;  // lowercase hex of the bytes
  std::string bytes;   // a PNG file
};

Photo MakePhoto(std::string_view label);

}  // namespace weige::demo
