#include "exporter/source/soci_event_log.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "exporter/source/event_columns.h"
#include "exporter/source/schema_bootstrap.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

class SociEventLogTest : public ::testing::Test {
 protected:
  SociEventLogTest() : cs_("sqlite3://db=" + dir_.File("events.db")) {
    EXPECT_TRUE(EnsureEventTable(cs_, "batchExecutionLog"));
  }
  StageEvent Row(std::int64_t batch, const std::string& stage, const std::string& type) {
    StageEvent e;
    e.batch_id = batch;
    e.stage = stage;
    e.event_type = type;
    return e;
  }
  std::int64_t Add(StageEvent e) { return log_.Append({std::move(e)}).front(); }

  TempDir dir_;
  std::string cs_;
  FakeClock clock_;
  Database db_{cs_, "batchExecutionLog", clock_};
  SociEventLog log_{db_};
};

TEST_F(SociEventLogTest, AppendsAllOrNothingAndReadsBackWhatItWrote) {
  StageEvent a = Row(9, "stt", "file_complete");
  a.file_name = "a.wav";
  a.duration_ms = 1200;
  a.request_payload = WholeText("{\"q\":1}");
  a.response = WholeText(std::string(300 * 1024, 'r'));
  a.error_message = "slow";
  const auto ids = log_.Append({a, Row(9, "", "batch_complete")});
  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(log_.MaxBatchId(), 9);
  const auto e = log_.FindEvent(1);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->file_name, "a.wav");
  EXPECT_EQ(e->duration_ms, 1200);
  EXPECT_GT(e->timestamp_ms, 1'700'000'000'000);  // the database's default: now
  EXPECT_EQ(e->request_payload->text, "{\"q\":1}");
  EXPECT_FALSE(e->request_payload->truncated);
  // A payload past the cap is cut and says so, with its full length.
  EXPECT_EQ(e->response->text.size(), kPayloadCap);
  EXPECT_EQ(e->response->length, 300 * 1024);
  EXPECT_TRUE(e->response->truncated);
  EXPECT_EQ(e->full_error_message->text, "slow");
  EXPECT_FALSE(log_.FindEvent(3));
  // When the database refuses one row, none of the request is stored.
  db_.With(Database::Role::kQuery, [](soci::session& sql) {
    sql << "CREATE TRIGGER no_info BEFORE INSERT ON batchExecutionLog WHEN NEW.eventType = "
           "'info' BEGIN SELECT RAISE(ABORT, 'no'); END";
  });
  EXPECT_THROW(log_.Append({Row(9, "stt", "warning"), Row(9, "stt", "info")}), std::exception);
  EXPECT_EQ(log_.ReadAfter(0, 100).size(), 2u);
}

TEST_F(SociEventLogTest, ReadRunStartsAtTheLatestRun) {
  Add(Row(1, "stt", "stage_start"));    // 1: the first run has no batch_start
  Add(Row(1, "", "batch_start"));       // 2: while running: the same run
  Add(Row(2, "", "batch_start"));       // 3
  Add(Row(1, "", "batch_failed"));      // 4: the run ends
  Add(Row(1, "stt", "file_complete"));  // 5: a late row of the ended run
  Add(Row(1, "", "batch_start"));       // 6: a new run
  Add(Row(1, "stt", "stage_start"));    // 7
  Add(Row(1, "", "batch_start"));       // 8: a second batch_start of that run
  auto ids = [](const std::vector<StageEvent>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& r : rows) out.push_back(r.id);
    return out;
  };
  RunPage page;
  page.batch_id = 1;
  EXPECT_EQ(ids(log_.ReadRun(page)), (std::vector<std::int64_t>{6, 7, 8}));
  page.before_id = 6;  // as it stood before row 6: the first run
  EXPECT_EQ(ids(log_.ReadRun(page)), (std::vector<std::int64_t>{1, 2, 4, 5}));
  page.before_id = 0;
  page.limit = 2;
  EXPECT_EQ(ids(log_.ReadRun(page)), (std::vector<std::int64_t>{6, 7}));
  page.after_id = 7;
  EXPECT_EQ(ids(log_.ReadRun(page)), (std::vector<std::int64_t>{8}));
  page.batch_id = 99;
  page.after_id = 0;
  EXPECT_TRUE(log_.ReadRun(page).empty());
  // Candidate run starts: batch_start rows and each batch's first row, newest first.
  EXPECT_EQ(ids(log_.ListRunStarts(100, 10)), (std::vector<std::int64_t>{8, 6, 3, 2, 1}));
  EXPECT_EQ(ids(log_.ListRunStarts(6, 2)), (std::vector<std::int64_t>{3, 2}));
}

TEST_F(SociEventLogTest, SearchSelectsByStageTypesTextAndId) {
  StageEvent a = Row(1, "stt", "error");
  a.file_name = "Call_100%.wav";
  a.error_message = "Timeout";
  Add(a);
  StageEvent b = Row(1, "llm", "error");
  b.error_message = "bad JSON";
  Add(b);
  Add(Row(1, "stt", "file_complete"));
  Add(Row(2, "stt", "error"));
  LogFilter f;
  f.batch_id = 1;
  EXPECT_EQ(log_.Search(f).events.size(), 3u);
  EXPECT_EQ(log_.Search(f).events.front().id, 3);  // newest first
  f.event_types = {"error", "stage_failed"};
  EXPECT_EQ(log_.Search(f).events.size(), 2u);
  f.stage = "stt";
  EXPECT_EQ(log_.Search(f).events.size(), 1u);
  f.stage.reset();
  f.search = "100%";  // LIKE's wildcards are matched literally
  ASSERT_EQ(log_.Search(f).events.size(), 1u);
  f.search = "timeout";  // any case
  EXPECT_EQ(log_.Search(f).events.size(), 1u);
  f.search.reset();
  f.before_id = 2;
  EXPECT_EQ(log_.Search(f).events.size(), 1u);
  f.before_id.reset();
  f.limit = 1;
  EXPECT_EQ(log_.Search(f).events.size(), 1u);
}

TEST_F(SociEventLogTest, AFilteredSearchLooksAtNoMoreThanMaxScanRows) {
  Add(Row(1, "stt", "error"));                                                      // 1
  for (int i = 0; i < 5; ++i) Add(Row(1, i % 2 ? "stt" : "llm", "file_complete"));  // 2..6
  Add(Row(2, "stt", "error"));  // 7: another batch
  LogFilter f;
  f.batch_id = 1;
  f.event_types = {"error"};
  f.max_scan = 3;
  LogPage page = log_.Search(f);  // 6, 5, 4
  EXPECT_TRUE(page.events.empty());
  EXPECT_EQ(page.scanned_from, 4);
  f.before_id = 4;  // 3, 2, 1
  page = log_.Search(f);
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_EQ(page.events[0].id, 1);
  EXPECT_EQ(page.scanned_from, 1);
  f.before_id = 1;
  page = log_.Search(f);
  EXPECT_TRUE(page.events.empty());
  EXPECT_FALSE(page.scanned_from);
  // With a stage, the bound counts that stage's rows: stt's are 5, 3, 1.
  f.before_id.reset();
  f.stage = "stt";
  page = log_.Search(f);
  ASSERT_EQ(page.events.size(), 1u);
  EXPECT_EQ(page.scanned_from, 1);
  // No type or text filter: no bound.
  f = LogFilter{};
  f.batch_id = 1;
  f.max_scan = 2;
  EXPECT_EQ(log_.Search(f).events.size(), 6u);
  EXPECT_FALSE(log_.Search(f).scanned_from);
}

TEST_F(SociEventLogTest, SeveralTypesAreTheNewestOfTheirUnionInIdOrder) {
  // Interleaved: errors and failures of batch 1 among other rows and another batch's errors.
  for (const char* type : {"error", "file_complete", "stage_failed", "error", "file_complete",
                           "error", "stage_failed", "file_complete"}) {
    Add(Row(1, "stt", type));
    Add(Row(2, "stt", "error"));
  }
  LogFilter f;
  f.batch_id = 1;
  f.event_types = {"error", "stage_failed", "batch_failed"};
  f.limit = 3;
  auto ids = [&] {
    std::vector<std::int64_t> out;
    for (const auto& e : log_.Search(f).events) out.push_back(e.id);
    return out;
  };
  // Batch 1's rows are the odd ids: error 1, stage_failed 5, error 7, error 11, stage_failed 13.
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{13, 11, 7}));
  f.before_id = 7;
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{5, 1}));
  f.before_id.reset();
  f.limit = 10;
  EXPECT_EQ(ids(), (std::vector<std::int64_t>{13, 11, 7, 5, 1}));
  f.stage = "llm";
  EXPECT_TRUE(ids().empty());
}

TEST_F(SociEventLogTest, ControlRequestsAreWrittenAndReadBackInIdOrder) {
  ControlRequest r;
  r.batch_id = 4;
  r.action = ControlAction::kCancel;
  r.requested_by = "alice";
  r.reason = "wrong input folder; ünïcode kept";
  r.requested_from = "192.0.2.7";
  const ControlRequest first = log_.AppendControl(r);
  EXPECT_EQ(first.id, 1);
  EXPECT_EQ(first.reason, r.reason);
  EXPECT_EQ(first.requested_from, "192.0.2.7");         // migration 004, applied to SQLite files
  EXPECT_GT(first.requested_at_ms, 1'600'000'000'000);  // the database's clock, in UTC ms
  r.action = ControlAction::kPause;
  r.requested_by = "token";
  log_.AppendControl(r);
  const auto all = log_.ReadControlAfter(0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].action, ControlAction::kCancel);
  EXPECT_EQ(all[1].requested_by, "token");
  EXPECT_EQ(log_.ReadControlAfter(1, 10).size(), 1u);
  EXPECT_EQ(log_.ReadControlAfter(0, 1).size(), 1u);
  EXPECT_EQ(all[0].requested_from, "192.0.2.7");
  // A control table of 002 without 004's requestedFrom: written and read without it.
  {
    soci::session sql(cs_);
    sql << "CREATE TABLE oldControl (id INTEGER PRIMARY KEY AUTOINCREMENT, batchId INTEGER NOT "
           "NULL, action VARCHAR(16) NOT NULL, requestedBy VARCHAR(128), reason VARCHAR(1024), "
           "requestedAt TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))";
  }
  SociEventLog old(db_, "oldControl");
  EXPECT_EQ(old.AppendControl(r).requested_from, "");
  ASSERT_EQ(old.ReadControlAfter(0, 10).size(), 1u);
  EXPECT_EQ(old.ReadControlAfter(0, 10)[0].requested_by, "token");
  // 004 applied while the exporter runs: the next request records the address.
  {
    soci::session sql(cs_);
    sql << "ALTER TABLE oldControl ADD COLUMN requestedFrom VARCHAR(64)";
  }
  EXPECT_EQ(old.AppendControl(r).requested_from, "192.0.2.7");
  // A table created by 001 alone has no control table: an error, said, not a crash.
  SociEventLog other(db_, "noControlHere");
  EXPECT_THROW(other.ReadControlAfter(0, 10), std::exception);
}

TEST_F(SociEventLogTest, ListsReadNoPayloadAndOneErrorCap) {
  StageEvent a = Row(1, "stt", "error");
  a.error_message = std::string(5000, 'e');
  a.request_payload = WholeText("{}");
  Add(a);
  const auto rows = log_.ReadAfter(0, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].error_message->size(), kListErrorCap);
  EXPECT_FALSE(rows[0].request_payload);
  EXPECT_EQ(log_.Search(LogFilter{1, {}, {}, {}, {}, 10}).events.front().error_message->size(),
            kListErrorCap);
}

}  // namespace
}  // namespace pipeline_exporter
