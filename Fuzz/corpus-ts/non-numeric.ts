# expect: 5: dimension 1, value 2: expected a number
@univariate true
@classLabel true a
@data
1.5,one,3:a
