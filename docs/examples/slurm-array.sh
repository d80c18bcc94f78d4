#!/usr/bin/env bash
# A sharded overcast sweep as a Slurm job array (docs/scale.md).
#
#   sbatch docs/examples/slurm-array.sh                  # the 16 shards
#   sbatch --dependency=afterok:<jobid> --wrap 'npx overcast merge results/part-*.json -o results/sweep'
#
# Each array task runs shard $SLURM_ARRAY_TASK_ID of 16 (0-based, like --shard) and writes its
# partial result; the merge combines them into exactly the CSV and JSON a single run gives.
#SBATCH --job-name=overcast-sweep
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --output=logs/%x-%A_%a.out
set -euo pipefail

SHARDS=16  # the size of --array above
if [ -n "${SLURM_ARRAY_TASK_COUNT:-}" ] && [ "${SLURM_ARRAY_TASK_COUNT}" != "${SHARDS}" ]; then
  echo "SHARDS=${SHARDS} but the array has ${SLURM_ARRAY_TASK_COUNT} tasks" >&2
  exit 2
fi
# One worker thread per CPU Slurm gave this task.
export OVERCAST_WORKERS="${SLURM_CPUS_PER_TASK:-1}"
mkdir -p results

npx overcast sweep scenarios/vdi-callcenter.yaml \
  --vary overcommit.cpu=2:6:0.25 --vary overcommit.memory=1:1.6:0.1 \
  --replications 40 --quiet \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" \
  -o "results/part-${SLURM_ARRAY_TASK_ID}.json"
