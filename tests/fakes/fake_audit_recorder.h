#pragma once
// An AuditRecorder that keeps what it is given, for handler tests. Thread-safe.

#include <mutex>
#include <vector>

#include "exporter/core/ports/audit_record.h"

namespace pipeline_exporter {

class FakeAuditRecorder final : public AuditRecorder {
 public:
  void Record(const AuditRecord& record) override {
    std::lock_guard lock(mu_);
    records_.push_back(record);
  }
  std::vector<AuditRecord> records() const {
    std::lock_guard lock(mu_);
    return records_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<AuditRecord> records_;
};

}  // namespace pipeline_exporter
