# expect: 7: expected 3 dimensions and the class label
@dimensions 3
@classLabel true a
@equalLength true
@data
1,2:3,4:5,6:a
1,2:3,4:a
