# expect: 3: @classLabel is declared twice
@classLabel true a
@classLabel true a
@data
