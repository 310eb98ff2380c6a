#include "exporter/source/database.h"

#include <gtest/gtest.h>
#include <soci/soci.h>

#include "tests/fakes/fake_clock.h"
#include "tests/fakes/temp_dir.h"

namespace pipeline_exporter {
namespace {

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(DatabaseTest, ASessionIsOpenedOnceAndReopenedAfterAFailure) {
  TempDir dir;
  FakeClock clock;
  Database db("sqlite3://db=" + dir.File("x.db"), "t", clock);
  EXPECT_EQ(db.dialect(), SqlDialect::kSqlite);
  soci::session* first = nullptr;
  db.With(Database::Role::kQuery, [&](soci::session& sql) { first = &sql; });
  db.With(Database::Role::kQuery, [&](soci::session& sql) { EXPECT_EQ(&sql, first); });
  EXPECT_THROW(db.With(Database::Role::kQuery,
                       [](soci::session& sql) { sql << "SELECT * FROM no_such_table"; }),
               std::exception);
  // The failed session was closed; the next use opens a new one and works.
  EXPECT_EQ(db.With(Database::Role::kQuery,
                    [](soci::session& sql) {
                      int one = 0;
                      sql << "SELECT 1", soci::into(one);
                      return one;
                    }),
            1);
}

TEST(DatabaseTest, TheSessionCacheDiesWithItsSession) {
  TempDir dir;
  FakeClock clock;
  Database db("sqlite3://db=" + dir.File("x.db"), "t", clock);
  struct Cache : SessionCache {
    explicit Cache(int* alive) : alive_(alive) { ++*alive_; }
    ~Cache() override { --*alive_; }
    int* alive_;
  };
  int alive = 0;
  db.Run(Database::Role::kTail, [&](soci::session&, std::unique_ptr<SessionCache>& cache) {
    cache = std::make_unique<Cache>(&alive);
  });
  EXPECT_EQ(alive, 1);
  db.Run(Database::Role::kTail, [&](soci::session&, std::unique_ptr<SessionCache>& cache) {
    EXPECT_TRUE(cache);  // kept with the session
  });
  EXPECT_THROW(db.Run(Database::Role::kTail,
                      [](soci::session&, std::unique_ptr<SessionCache>&) {
                        throw std::runtime_error("server gone");
                      }),
               std::runtime_error);
  EXPECT_EQ(alive, 0);
}

TEST(DatabaseTest, AnUnreachableDatabaseIsAskedOncePerBackoffStep) {
  FakeClock clock;
  DatabaseOptions o;
  o.min_backoff_ms = 1000;
  o.max_backoff_ms = 4000;
  Database db("sqlite3://db=/nonexistent-dir/x.db", "t", clock, o);
  auto use = [&] { db.With(Database::Role::kQuery, [](soci::session&) {}); };
  EXPECT_EQ(ErrorOf(use).find("next attempt"), std::string::npos);  // a real attempt
  EXPECT_NE(ErrorOf(use).find("next attempt in 1000 ms"), std::string::npos);
  clock.Advance(1000);
  EXPECT_EQ(ErrorOf(use).find("next attempt"), std::string::npos);  // tried again
  EXPECT_NE(ErrorOf(use).find("next attempt in 2000 ms"), std::string::npos);
  // The tail obeys the same policy.
  EXPECT_NE(
      ErrorOf([&] { db.With(Database::Role::kTail, [](soci::session&) {}); }).find("next attempt"),
      std::string::npos);
}

TEST(DatabaseTest, RequestsWaitABoundedTimeForASession) {
  TempDir dir;
  FakeClock clock;
  DatabaseOptions o;
  o.query_sessions = 1;
  o.acquire_timeout_ms = 50;
  Database db("sqlite3://db=" + dir.File("x.db"), "t", clock, o);
  // While the only request session is in use, another request gives up instead of hanging.
  const std::string error = ErrorOf([&] {
    db.With(Database::Role::kQuery,
            [&](soci::session&) { db.With(Database::Role::kQuery, [](soci::session&) {}); });
  });
  EXPECT_NE(error.find("no database session became free"), std::string::npos) << error;
  // The tail has its own session and never waits for requests.
  db.With(Database::Role::kQuery, [&](soci::session&) {
    EXPECT_NO_THROW(db.With(Database::Role::kTail, [](soci::session&) {}));
  });
}

}  // namespace
}  // namespace pipeline_exporter
