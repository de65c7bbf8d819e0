#include "core/visitor_context.h"

#include "core/engine.h"

namespace allot {

VisitorContext::VisitorContext() = default;
VisitorContext::VisitorContext(std::string_view visitor_id)
    : id_(visitor_id) {}
VisitorContext::~VisitorContext() = default;
VisitorContext::VisitorContext(VisitorContext&&) noexcept = default;
VisitorContext& VisitorContext::operator=(VisitorContext&&) noexcept = default;

}  // namespace allot
