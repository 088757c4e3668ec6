# expect: 4: the file ends without
@problemName NoData
@classLabel true a b
@univariate true
