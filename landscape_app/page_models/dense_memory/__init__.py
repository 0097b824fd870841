"""The /dense-memory page's models: the recall race (``race.RecallRace``), the closure check
(``closure.ClosureSession``) and the settings of the other tabs (``settings``)."""
