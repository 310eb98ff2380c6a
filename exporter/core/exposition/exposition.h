#pragma once
// What one source contributes to /metrics: metric families and the exemplars that go with
// them, taken together from one snapshot so they always agree. ExpositionSource is the seam
// the metrics endpoint reads; CollectableExposition adapts a plain prometheus::Collectable
// (a source without exemplars). Plain data and a one-method interface; implementations
// must be thread-safe (scrapes run concurrently).

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <optional>
#include <vector>

#include "exporter/core/fold/exemplar.h"

namespace pipeline_exporter {

// The exemplars of one metric (series): `value` on a counter's sample; `buckets` parallel to
// a histogram's buckets (+Inf last), or empty.
struct MetricExemplars {
  std::optional<Exemplar> value;
  std::vector<std::optional<Exemplar>> buckets;
};

struct Exposition {
  std::vector<prometheus::MetricFamily> families;
  // exemplars[i] belongs to families[i] and is parallel to its metrics; a family past the end
  // of this vector, or with an empty entry, has none.
  std::vector<std::vector<MetricExemplars>> exemplars;
};

class ExpositionSource {
 public:
  virtual ~ExpositionSource() = default;
  virtual Exposition Expose() const = 0;
};

// A prometheus::Collectable as a source without exemplars. Borrows the collectable.
class CollectableExposition final : public ExpositionSource {
 public:
  explicit CollectableExposition(const prometheus::Collectable& collectable)
      : collectable_(collectable) {}
  Exposition Expose() const override { return Exposition{collectable_.Collect(), {}}; }

 private:
  const prometheus::Collectable& collectable_;
};

}  // namespace pipeline_exporter
