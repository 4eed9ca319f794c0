// The workflow module is built in issue 3; this file keeps the target linkable.
namespace parix::workflow {}
