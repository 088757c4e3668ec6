/// Diagnostics: spectra and dynamics of recurrent networks (being written).
enum RecurrentDiagnosticsModule {}
