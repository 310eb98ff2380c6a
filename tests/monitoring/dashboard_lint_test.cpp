// Conventions every shipped Grafana dashboard keeps: one datasource variable used by every
// panel and query, the pipeline/job/instance variables, a unit and a description on every
// panel, $__rate_interval in every rate(), and unique uids.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace pipeline_exporter {
namespace {

using nlohmann::json;

std::vector<std::filesystem::path> Dashboards() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(PE_SOURCE_DIR "/grafana/dashboards")) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json Load(const std::filesystem::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// Every panel, including those nested in rows.
void Panels(const json& list, std::vector<json>& out) {
  for (const auto& p : list) {
    out.push_back(p);
    if (p.contains("panels")) Panels(p["panels"], out);
  }
}

bool UsesDatasourceVariable(const json& ds) {
  return ds.is_object() && ds.value("uid", "") == "${datasource}";
}

TEST(DashboardLintTest, ThereAreTheTwoDashboards) {
  std::set<std::string> uids;
  for (const auto& p : Dashboards()) uids.insert(Load(p)["uid"].get<std::string>());
  EXPECT_EQ(uids, (std::set<std::string>{"pipeline-overview", "pipeline-stage-detail"}));
}

TEST(DashboardLintTest, UidsAreFixedAndUnique) {
  std::set<std::string> uids;
  for (const auto& p : Dashboards()) {
    const json d = Load(p);
    ASSERT_TRUE(d.contains("uid")) << p;
    EXPECT_TRUE(uids.insert(d["uid"].get<std::string>()).second) << "duplicate uid in " << p;
    EXPECT_FALSE(d.contains("id") && !d["id"].is_null()) << p << ": no fixed numeric id";
  }
}

TEST(DashboardLintTest, VariablesIncludeDatasourcePipelineJobInstance) {
  for (const auto& p : Dashboards()) {
    std::set<std::string> names;
    const json d = Load(p);
    for (const auto& v : d["templating"]["list"]) {
      names.insert(v["name"].get<std::string>());
      if (v["type"] == "datasource") {
        EXPECT_EQ(v["query"], "prometheus") << p;
      }
      if (v["type"] == "query") {
        EXPECT_TRUE(UsesDatasourceVariable(v["datasource"])) << p << ": variable " << v["name"];
      }
    }
    for (const char* n : {"datasource", "pipeline", "job", "instance", "exporter_url"}) {
      EXPECT_TRUE(names.count(n)) << p << " lacks variable " << n;
    }
  }
}

TEST(DashboardLintTest, EveryPanelHasDatasourceUnitAndDescription) {
  for (const auto& p : Dashboards()) {
    std::vector<json> panels;
    const json d = Load(p);
    Panels(d["panels"], panels);
    ASSERT_FALSE(panels.empty()) << p;
    std::set<int> ids;
    for (const auto& panel : panels) {
      if (panel["type"] == "row") continue;
      const std::string where = p.filename().string() + " / " + panel.value("title", "?");
      EXPECT_TRUE(ids.insert(panel["id"].get<int>()).second) << where << ": duplicate id";
      EXPECT_TRUE(UsesDatasourceVariable(panel["datasource"])) << where;
      EXPECT_FALSE(panel.value("description", "").empty()) << where << ": no description";
      EXPECT_FALSE(panel["fieldConfig"]["defaults"].value("unit", "").empty())
          << where << ": no unit";
      ASSERT_FALSE(panel["targets"].empty()) << where;
      for (const auto& t : panel["targets"]) {
        EXPECT_TRUE(UsesDatasourceVariable(t["datasource"])) << where;
        EXPECT_FALSE(t.value("expr", "").empty()) << where;
      }
    }
  }
}

TEST(DashboardLintTest, EveryRateUsesRateInterval) {
  static const std::regex kRange(R"((rate|increase|irate)\([^\[]*\[([^\]]*)\])");
  for (const auto& p : Dashboards()) {
    std::vector<json> panels;
    const json d = Load(p);
    Panels(d["panels"], panels);
    for (const auto& panel : panels) {
      for (const auto& t : panel.value("targets", json::array())) {
        const std::string expr = t["expr"];
        for (std::sregex_iterator it(expr.begin(), expr.end(), kRange), end; it != end; ++it) {
          EXPECT_EQ((*it)[2], "$__rate_interval")
              << p.filename() << " / " << panel["title"] << ": " << expr;
        }
      }
    }
  }
}

TEST(DashboardLintTest, StagePanelsLinkToTheExporterPage) {
  const json d = Load(PE_SOURCE_DIR "/grafana/dashboards/pipeline-overview.json");
  int linked = 0;
  for (const auto& panel : d["panels"]) {
    if (panel["type"] == "row") continue;
    for (const auto& link : panel["fieldConfig"]["defaults"].value("links", json::array())) {
      EXPECT_EQ(link["url"].get<std::string>().rfind("${exporter_url}/", 0), 0u);
      ++linked;
    }
  }
  EXPECT_GE(linked, 5);
}

// A spike on a file-duration panel leads to its file: exemplars are shown there, and the
// provisioned data source links the event_id exemplar label to the exporter's page.
TEST(DashboardLintTest, FileDurationPanelsShowExemplarsThatLinkToTheEvent) {
  int panels_with_exemplars = 0;
  for (const auto& path : Dashboards()) {
    std::vector<json> panels;
    Panels(Load(path)["panels"], panels);
    for (const auto& p : panels) {
      bool duration = false, exemplar = false;
      for (const auto& t : p.value("targets", json::array())) {
        if (t.value("expr", "").find("pipeline_file_duration_seconds_bucket") == std::string::npos)
          continue;
        duration = true;
        exemplar = exemplar || t.value("exemplar", false);
      }
      if (!duration) continue;
      EXPECT_TRUE(exemplar) << path.filename() << " / " << p.value("title", "");
      ++panels_with_exemplars;
    }
  }
  EXPECT_EQ(panels_with_exemplars, 3);

  std::ifstream in(PE_SOURCE_DIR "/grafana/provisioning/datasources/prometheus.yml");
  std::stringstream text;
  text << in.rdbuf();
  // Grafana reads `$$` as a literal `$`, so ${__value.raw} is its own variable, not the
  // environment's.
  EXPECT_NE(text.str().find("exemplarTraceIdDestinations:"), std::string::npos);
  EXPECT_NE(text.str().find("- name: event_id"), std::string::npos);
  EXPECT_NE(text.str().find("url: \"${EXPORTER_PAGE_URL}/#event=$${__value.raw}\""),
            std::string::npos);
}

}  // namespace
}  // namespace pipeline_exporter
