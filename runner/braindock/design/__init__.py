"""Designing experiments with models: pick the stimuli a model predicts will drive or suppress a recorded target
(predict.py: the benchmark's mapping, its CV uncertainty), write them as a stimulus set with a design record
(run.py), and check them in the simulated benchmark's virtual experiment (virtual.py)."""
