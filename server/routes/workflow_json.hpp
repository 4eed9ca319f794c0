// JSON shapes of workflow objects shared by the campaign and assessment routes.
#pragma once

#include <boost/json/object.hpp>

#include "server/application.hpp"
#include "workflow/assessment_service.hpp"
#include "workflow/campaign_service.hpp"

namespace parix::server {

boost::json::object score_json(const workflow::assessment_score& s);
boost::json::object campaign_json(const workflow::campaign_view& v);
boost::json::object leaf_json(const workflow::leaf_view& l);
boost::json::object assessment_json(const workflow::assessment_view& v);
// When the agency's clock on the file runs out, in the campaign's zone: the (extended)
// deadline during self-assessment, the close time while the explanation window is
// open; null otherwise.
boost::json::value open_until_json(const workflow::assessment_view& v);

}  // namespace parix::server
