# upstream: astropy/halotools (empirical_models/factories/model_factory_template.py)
# reference: PR #918 (merged)
# url: https://github.com/astropy/halotools/pull/918
# leaked: model -> decorated_func -> cell -> model (see the before file).
# fix: the parameter dict is bound as a keyword default; the closure holds no reference to self.
# expect: none


class ModelFactory:
    def __init__(self):
        self.param_dict = {"alpha": 1.5}
        self.mean_occupation = self.update_param_dict_decorator(lambda mass, params: mass * params["alpha"])

    def update_param_dict_decorator(self, func):
        def decorated_func(*args, __param_dict__=self.param_dict, **kwargs):
            return func(*args, params=__param_dict__, **kwargs)

        return decorated_func


def scenario():
    ModelFactory().mean_occupation(10.0)
