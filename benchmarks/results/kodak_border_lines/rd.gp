set terminal svg size 900,600 dynamic background rgb 'white'
set output 'rd.svg'
set title 'Rate-distortion, 24 images'
set xlabel 'bits per pixel'
set ylabel 'PSNR RGB (dB)'
set grid
set key bottom right
$c0 << EOD
0.0676066 25.0837
0.100436 26.2215
0.16311 27.6652
0.259476 29.2689
0.390032 30.863
0.579101 32.5962
EOD
$c1 << EOD
0.0661231 24.6501
0.0980724 25.7984
0.160572 27.3112
0.257116 28.9959
0.3875 30.6355
0.583138 32.4827
EOD
$c2 << EOD
0.097435 21.6835
0.140802 23.8522
0.210114 25.8486
0.255512 26.6718
0.358682 28.1448
0.449147 29.1445
0.610103 30.4915
0.743263 31.422
0.869191 32.1738
1.21301 33.9167
2.31538 38.034
EOD
$c3 << EOD
0.10257 25.6749
0.190384 27.6599
0.274416 28.9319
0.377487 30.1936
0.47621 31.2283
0.672735 33.0089
0.877265 34.4809
1.92966 39.4463
EOD
$c4 << EOD
0.0599619 25.0254
0.0992694 26.3359
0.149307 27.5208
0.249135 29.2311
0.398427 31.1293
0.599086 33.063
0.9982 35.9784
1.9977 40.7907
EOD
$c5 << EOD
0.0672099 25.7077
0.108714 27.0959
0.187486 28.8577
0.305469 30.7227
0.47958 32.7189
0.827371 35.6498
1.24921 38.2321
EOD
$c6 << EOD
0.142537 25.956
0.216192 27.4515
0.367117 29.389
0.43521 30.2108
0.538945 31.2294
0.809262 33.6449
1.74636 38.2727
EOD
plot $c0 with linespoints lw 2 title 'spix:eed:tree:e7:tonal:qmap4:qauto:pf:c5:cfauto', \
     $c1 with linespoints lw 2 title 'spix:eed:tree:e7:tonal:qmap4:qauto:pf:cfauto:c5', \
     $c2 with linespoints lw 2 title 'jpeg', \
     $c3 with linespoints lw 2 title 'webp', \
     $c4 with linespoints lw 2 title 'jp2', \
     $c5 with linespoints lw 2 title 'avif', \
     $c6 with linespoints lw 2 title 'jxl'
set terminal pngcairo size 900,600
set output 'rd.png'
replot
