// Placeholder so the target is not empty while the module is being written.
enum RecurrentDataModule {}
