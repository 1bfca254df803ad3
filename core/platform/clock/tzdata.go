package clock

// The zone database is embedded so that Europe/Moscow resolves on minimal
// images without /usr/share/zoneinfo.
import _ "time/tzdata"
