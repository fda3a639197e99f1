"""Flask extensions, created unbound and initialised by `create_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from participate.db import Base
from participate.lazy_migrate import LazyMigrate

db = SQLAlchemy(model_class=Base)
migrate = LazyMigrate()  # Flask-Migrate itself only when `flask db` runs
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
# Limits are declared per route (login, registration, submissions); no global default.
limiter = Limiter(key_func=get_remote_address)
