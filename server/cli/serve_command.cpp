// parix serve: runs the HTTPS server until SIGTERM or SIGINT.
#include <spdlog/spdlog.h>

#include <iostream>

#include "server/application.hpp"
#include "server/cli/cli.hpp"
#include "server/cli/common.hpp"
#include "server/http_server.hpp"

namespace parix::server::cli {

int serve_command(const arguments& args) {
  po::options_description d{"parix serve"};
  add_location_options(d);
  d.add_options()("port,p", po::value<unsigned short>(), "listening port (overrides the file)")(
      "help,h", "this text");
  po::variables_map vm;
  if (!parse(args, d, {}, vm, "usage: parix serve [--config FILE | --data DIR] [--port N]"))
    return 2;
  config c = locate_config(vm);
  if (vm.count("port")) c.listen.port = vm["port"].as<unsigned short>();
  setup_logging(c.log);
  try {
    application app{c, auth::default_clock()};
    http_server server{app};
    std::cout << "parix " << PARIX_VERSION << " serving at "
              << (c.listen.plain_http ? "http" : "https") << "://" << c.listen.address << ":"
              << server.port() << "/" << std::endl;
    server.run_until_signal();
    app.db().close();
    spdlog::info("database closed");
  } catch (const std::exception& e) {
    spdlog::critical("cannot serve: {}", e.what());
    std::cerr << "parix serve: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace parix::server::cli
