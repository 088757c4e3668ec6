# expect: 5: dimension 1 is empty
@univariate true
@classLabel true a
@data
:a
