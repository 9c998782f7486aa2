"""vpclab benchmarks: `make bench` (python -m bench). Each prints its figures beside a baseline
measured in the same run; results are recorded in docs/benchmarks.md with the machine and date."""
