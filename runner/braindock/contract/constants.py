"""Names the contract fixes (coordinates of the assemblies); one module, imported by validation, checks, scoring and metrics."""

POSITIONS = ("stimulus_id_1", "stimulus_id_2", "stimulus_id_3")  # an odd-one-out trial's triplet coordinates, in order
BEHAVIORAL_TASKS = ("label", "probabilities", "odd_one_out")  # tasks answered per stimulus or triplet; their recordings are trials
