# expect: 2: time-stamped data
@timeStamps true
@data
(0,1),(1,2):a
