// Loads a config file and decides one visitor, through the installed
// package only. Usage: consumer CONFIG.json
#include <fstream>
#include <iostream>
#include <sstream>

#include <allot/allot.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::stringstream text;
  text << std::ifstream(argv[1]).rdbuf();
  auto config = allot::LoadConfig(text.str());
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  allot::VisitorContext ctx("visitor-42");
  ctx.Set("country", "FR");
  allot::DecisionList decisions;
  if (!(*config)->DecideAll(ctx, absl::Now(), &decisions).ok()) return 1;
  for (size_t i = 0; i < decisions.size(); ++i) {
    std::cout << decisions.campaign_id(i) << " " << allot::DecisionReasonName(decisions[i].reason)
              << "\n";
  }
  return decisions.size() > 0 ? 0 : 1;
}
