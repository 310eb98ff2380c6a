#include "exporter/config/config.h"

namespace pipeline_exporter {

Config DefaultConfig() {
  Config c;
  c.pipelines.emplace_back();
  return c;
}

}  // namespace pipeline_exporter
