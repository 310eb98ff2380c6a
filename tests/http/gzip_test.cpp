#include "exporter/http/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <thread>

namespace pipeline_exporter {
namespace {

// Decoded with zlib, as an independent gzip implementation (Prometheus uses Go's).
std::string Gunzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(4 << 20, '\0');  // larger than any input here
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  inflateEnd(&zs);
  EXPECT_EQ(rc, Z_STREAM_END);
  out.resize(zs.total_out);
  return out;
}

TEST(GzipTest, RoundTripsThroughZlibAndShrinksMetricsText) {
  std::string text;
  for (int i = 0; i < 2000; ++i) {
    text += "pipeline_stage_files{pipeline=\"cofi\",pipeline_stage=\"stage_" + std::to_string(i) +
            "\"} " + std::to_string(i * 7) + "\n";
  }
  const std::string gz = Gzip(text);
  EXPECT_EQ(static_cast<unsigned char>(gz[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(gz[1]), 0x8b);
  EXPECT_LT(gz.size() * 5, text.size());
  EXPECT_EQ(Gunzip(gz), text);
  EXPECT_EQ(Gunzip(Gzip("")), "");
}

TEST(GzipTest, EachThreadHasItsOwnCompressor) {
  const std::string text(100000, 'x');
  std::string a, b;
  std::thread t1([&] { a = Gunzip(Gzip(text)); });
  std::thread t2([&] { b = Gunzip(Gzip(text)); });
  t1.join();
  t2.join();
  EXPECT_EQ(a, text);
  EXPECT_EQ(b, text);
}

TEST(GzipTest, AcceptEncodingIsReadLikeAServer) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=1.0, *;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("identity, *"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip(""));
}

}  // namespace
}  // namespace pipeline_exporter
