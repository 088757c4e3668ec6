# expect: 5: dimension 2 has 1 values, dimension 1 has 2
@dimensions 2
@classLabel true a
@data
1,2:3:a
