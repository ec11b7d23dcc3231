"""Operations: what operators use to trace, watch and repair the pipeline."""
