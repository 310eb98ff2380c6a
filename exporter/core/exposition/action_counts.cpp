#include "exporter/core/exposition/action_counts.h"

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {

void ActionCounts::Add(const std::string& pipeline, const std::string& action,
                       const std::string& actor) {
  std::lock_guard lock(mu_);
  const std::string& name = actors_.Name(actors_.IndexOf(actor));
  ++counts_[{pipeline, action, name}];
}

std::vector<prometheus::MetricFamily> ActionCounts::Collect() const {
  std::lock_guard lock(mu_);
  prometheus::MetricFamily f = MakeFamily(
      "pipeline_exporter_control_actions_total",
      "Actions taken through the exporter (pause, resume, cancel, silence), by pipeline and by "
      "who took them (a web-config user or the control token's name; past 32 names, other).",
      prometheus::MetricType::Counter);
  for (const auto& [key, n] : counts_) {
    const auto& [pipeline, action, actor] = key;
    AddCounter(f, {{"pipeline", pipeline}, {"action", action}, {"actor", actor}},
               static_cast<double>(n));
  }
  std::vector<prometheus::MetricFamily> out;
  out.push_back(std::move(f));
  return out;
}

}  // namespace pipeline_exporter
