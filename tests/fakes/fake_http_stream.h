#pragma once
// An HttpStream that keeps what a handler sends: the status, headers and body. It can
// refuse writes after a number of them, as a client that left would. Not thread-safe.

#include <string>
#include <utility>
#include <vector>

#include "exporter/http/http_types.h"

namespace pipeline_exporter {

class FakeHttpStream final : public HttpStream {
 public:
  explicit FakeHttpStream(int writes_allowed = -1) : writes_left_(writes_allowed) {}

  void Respond(const HttpResponse& response) override {
    status_ = response.status;
    headers = response.headers;
    body = response.body;
    responded = true;
  }
  bool Begin(int status, const std::vector<std::pair<std::string, std::string>>& h,
             bool is_chunked) override {
    status_ = status;
    headers = h;
    chunked = is_chunked;
    return true;
  }
  bool Write(std::string_view data) override {
    if (writes_left_ == 0) return false;
    if (writes_left_ > 0) --writes_left_;
    body.append(data);
    ++writes;
    return true;
  }
  int status() const override { return status_; }
  bool ClientGone() override { return gone; }

  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool chunked = false;
  bool responded = false;
  int writes = 0;
  bool gone = false;  // set by a test: the client has closed its end

 private:
  int writes_left_;
  int status_ = 0;
};

}  // namespace pipeline_exporter
