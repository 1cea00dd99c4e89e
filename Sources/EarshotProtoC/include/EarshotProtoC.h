// Umbrella header of the protobuf-c code generated from proto/ (scripts/gen-proto.sh).
#include "earshot_v1_ingest.pb-c.h"
#include "earshot_v1_insights.pb-c.h"
#include "earshot_v1_listening.pb-c.h"
#include "earshot_v1_post.pb-c.h"
#include "earshot_v1_query.pb-c.h"
#include "earshot_v1_rpc.pb-c.h"
#include "earshot_v1_sources.pb-c.h"

/// The descriptor of the message with this full name ("earshot.v1.Post"), or NULL.
const ProtobufCMessageDescriptor *earshot_find_message_descriptor(const char *full_name);
