# expect: 5: dimension 1, value 2: expected a finite number
@univariate true
@classLabel true a
@data
1,inf:a
