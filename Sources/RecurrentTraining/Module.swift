enum RecurrentTrainingModule {}
