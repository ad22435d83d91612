"""What every SQL plan store shares: the ``PlanStore`` semantics written once (``store``),
the rows they read and write (``rows``), and what each database must supply (``dialect``)."""
