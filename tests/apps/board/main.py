# Run: main.py PORT [DEBUG] (127.0.0.1:PORT), or on a board 0.0.0.0:80. The app is device.py.
import device

device.main()
