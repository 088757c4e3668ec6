# expect: 6: dimension 1, value 3: missing value
@univariate true
@missing true
@classLabel true a
@data
1,2,?:a
