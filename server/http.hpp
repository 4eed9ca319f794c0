// The HTTP message types the server speaks.
#pragma once

#include <boost/beast/http.hpp>

namespace parix::server {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

}  // namespace parix::server
