#include "exporter/http/pipeline_registry.h"

#include <gtest/gtest.h>

#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

TEST(PipelineRegistryTest, ResolvesThePipelineParameter) {
  FakeClock clock;
  PipelineSpec a, b;
  a.name = "a";
  b.name = "b";
  PipelineStore sa(a, clock), sb(b, clock);
  ApiPipeline pa, pb;
  pa.store = &sa;
  pb.store = &sb;
  const PipelineRegistry one({pa});
  HttpRequest r;
  HttpResponse error;
  EXPECT_EQ(one.Resolve(r, &error), &one.all().front());  // optional with one pipeline
  const PipelineRegistry two({pa, pb});
  EXPECT_FALSE(two.Resolve(r, &error));
  EXPECT_EQ(error.status, 400);
  r.query = "pipeline=b";
  EXPECT_EQ(two.Resolve(r, &error)->store, &sb);
  r.query = "pipeline=c";
  EXPECT_FALSE(two.Resolve(r, &error));
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(JsonResponse("{}", 202).content_type, "application/json");
}

}  // namespace
}  // namespace pipeline_exporter
