// The subcommands of the allot program; each returns the exit status.
#ifndef ALLOT_CLI_COMMANDS_H_
#define ALLOT_CLI_COMMANDS_H_

namespace allot::cli {

int CampaignsCommand(int argc, char** argv);
int DecideCommand(int argc, char** argv);
int DiffCommand(int argc, char** argv);
int ScheduleCommand(int argc, char** argv);
int StatusCommand(int argc, char** argv);
int ValidateCommand(int argc, char** argv);
int WindowsCommand(int argc, char** argv);

}  // namespace allot::cli

#endif  // ALLOT_CLI_COMMANDS_H_
