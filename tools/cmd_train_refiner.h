// `spix train refiner-data` and `spix train refiner` (tools/cmd_train.cc
// adds them to `spix train`).
#ifndef SPIX_TOOLS_CMD_TRAIN_REFINER_H_
#define SPIX_TOOLS_CMD_TRAIN_REFINER_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace spix {

// Adds both subcommands to `train`; the runner returns -1 when neither was
// given.
std::function<int()> AddRefinerCommands(CLI::App* train);

}  // namespace spix

#endif  // SPIX_TOOLS_CMD_TRAIN_REFINER_H_
